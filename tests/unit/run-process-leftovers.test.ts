// runProcess ends what a child leaves behind: found by its tag when unconfined, gone with bwrap's pid
// namespace when confined. Each child starts a grandchild in a session of its own and exits at once.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confine } from '../../src/workers/sandbox/confine.js';
import { probeSandbox } from '../../src/workers/sandbox/probe.js';
import { runProcess } from '../../src/util/process.js';
import { git } from '../helpers/harness.js';

/** Live (not zombie) processes whose command line holds `marker`. */
function liveWith(marker: string): number[] {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/\) Z /.test(stat) && fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(marker);
    } catch {
      return false;
    }
  }).map(Number);
}

async function gone(marker: string): Promise<boolean> {
  for (let i = 0; i < 40 && liveWith(marker).length; i++) await new Promise((r) => setTimeout(r, 50));
  return liveWith(marker).length === 0;
}

/** A child that starts `node -e <loop> <marker>` in a new session, waits until it runs, then exits. */
function leaver(marker: string): { file: string; args: string[] } {
  const code = `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(marker)}], { detached: true, stdio: 'ignore' }); c.unref(); setTimeout(() => {}, 300);`;
  return { file: process.execPath, args: ['-e', code] };
}

describe('what a child leaves behind does not outlive its call', () => {
  let repo: string;
  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-leftovers-'));
    git(repo, 'init', '-q');
    fs.mkdirSync(path.join(repo, '.runr', 'runs', 'r1'), { recursive: true });
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('unconfined: the grandchild, in a session of its own, is found by its tag and killed', async () => {
    const marker = `leftover-${randomUUID()}`;
    const out = await runProcess({ ...leaver(marker), cwd: repo, env: { ...process.env } });
    expect(out.end).toBe('exit');
    expect(await gone(marker)).toBe(true);
  });

  it('confined: the grandchild ends with the sandbox', async () => {
    const { bwrap } = await probeSandbox();
    expect(bwrap, 'bubblewrap must work here (.ci/run installs it)').toBeTruthy();
    const marker = `leftover-${randomUUID()}`;
    const sandbox = confine({ bwrap: bwrap!, repoRoot: repo, workDir: repo, runDir: path.join(repo, '.runr', 'runs', 'r1'), writable: [] }, process.env);
    const out = await runProcess({ ...leaver(marker), cwd: repo, env: { ...process.env }, sandbox });
    expect(out.end).toBe('exit');
    expect(await gone(marker)).toBe(true);
  });
});
