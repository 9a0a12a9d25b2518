/**
 * The CLI as it ships: bin/runr.js loads the bundle `npm run build` writes (dist/cli-bundle/), which must work from
 * a copy of the package elsewhere holding only what bin needs: no dist/cli/ beside it, templates found from the
 * bundle's own place, a detached run started through the copy's bin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { ROOT } from '../helpers/harness.js';

let home: string;
let bin: string;

async function runr(cwd: string, ...args: string[]) {
  return execa(process.execPath, [bin, ...args], { cwd, env: { NO_COLOR: '1' }, reject: false, timeout: 120_000, stdin: 'ignore' });
}

beforeAll(() => {
  home = tempDir('runr-bundled-');
  const pkg = path.join(home, 'runr');
  for (const part of ['bin', 'templates', 'package.json', 'dist/cli-bundle', 'dist/version.js']) {
    fs.cpSync(path.join(ROOT, part), path.join(pkg, part), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  bin = path.join(pkg, 'bin', 'runr.js');
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('the bundled CLI, from a copy of the package without dist/cli/', () => {
  it('answers --help and --version', async () => {
    const help = await runr(home, '--help');
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: runr/);
    for (const command of ['init', 'run', 'status', 'report', 'wait', 'orchestrate']) expect(help.stdout).toContain(`  ${command}`);
    const version = await runr(home, '--version');
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('creates the demo from its templates, runs it detached to completion, and reads it back', async () => {
    const project = path.join(home, 'demo');
    const init = await runr(home, 'init', '--demo', '--repo', project, '--json');
    expect(init.exitCode, init.stderr).toBe(0);
    expect(fs.existsSync(path.join(project, 'tools', 'demo-agent.mjs'))).toBe(true);

    const start = await runr(project, 'run', '--task', '.runr/tasks/demo.md', '--worktree', '--detach', '--json');
    expect(start.exitCode, start.stderr).toBe(0);
    const { run_id: runId } = JSON.parse(start.stdout.split('\n')[0]!);

    const waited = await runr(project, 'wait', runId, '--json');
    expect(waited.exitCode, waited.stdout + waited.stderr).toBe(0);
    expect(JSON.parse(waited.stdout).stop_reason).toBe('complete');
    const report = await runr(project, 'report', runId, '--json');
    expect(report.exitCode, report.stderr).toBe(0);
    const { outcome, milestones } = JSON.parse(report.stdout);
    expect(outcome).toBe('complete');
    expect(milestones.completed).toBeGreaterThan(0);
  });
});
