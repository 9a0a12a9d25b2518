/**
 * The exit-code registry (SPEC §8) and error output through the built CLI: with --json one
 * `{"error":{code,message}}` line on stdout, otherwise one clear line on stderr, never a stack trace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectHumanError, expectJsonError, runrIn, tempDir } from '../helpers/cli.js';
import { git, ok, ROOT, startRun, TestRepo } from '../helpers/harness.js';

const LIMITS = { stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 };
const runArgs = (repo: TestRepo, ...extra: string[]) => ['run', '--task', repo.taskPath, '--worktree', '--json', ...extra];
/** No run was created (an error is reported before anything is written). */
const noRuns = (repo: TestRepo) => !fs.existsSync(path.join(repo.dir, '.runr', 'runs')) || fs.readdirSync(path.join(repo.dir, '.runr', 'runs')).length === 0;

describe('exit 2: usage and config errors', () => {
  it('config that is not valid JSON', async () => {
    const repo = new TestRepo();
    repo.write('.runr/runr.config.json', '{ "agent": { "name": "x" }, ');
    const e = expectJsonError(await repo.runr(runArgs(repo)), 2);
    expect(e.message).toMatch(/not valid JSON/);
    expect(e.message).toContain('runr.config.json');
    expect(noRuns(repo)).toBe(true);
  });

  it('config failing the schema is reported with the JSON path of each problem', async () => {
    const repo = new TestRepo({ config: { limits: { ...LIMITS, max_verify_retries: 'three' }, verification: { tier0: 'npm test' } } });
    const e = expectJsonError(await repo.runr(runArgs(repo)), 2);
    expect(e.message).toContain('limits.max_verify_retries');
    expect(e.message).toContain('verification.tier0');
    const human = expectHumanError(await repo.runr(['run', '--task', repo.taskPath, '--worktree']), 2);
    expect(human).toContain('limits.max_verify_retries');
    expect(human.trim().split('\n')).toHaveLength(1);
    expect(noRuns(repo)).toBe(true);
  });

  it('unknown preset and unknown config keys', async () => {
    const repo = new TestRepo({ config: { scope: { allowlist: [], denylist: [], presets: ['typescript', 'no-such-preset'], protect: [] } } });
    const e = expectJsonError(await repo.runr(runArgs(repo)), 2);
    expect(e.message).toContain('no-such-preset');
    expect(e.message).toContain('scope.presets');
    repo.writeConfig({ limits: { ...LIMITS, max_verfy_retries: 2 } });
    expect(expectJsonError(await repo.runr(runArgs(repo)), 2).message).toMatch(/limits.*max_verfy_retries|max_verfy_retries/);
  });

  it('missing config says to run `runr init`; --config to a missing file too', async () => {
    const repo = new TestRepo({ noConfig: true });
    const e = expectJsonError(await repo.runr(runArgs(repo)), 2);
    expect(e.message).toContain('runr init');
    const human = expectHumanError(await repo.runr(['run', '--task', repo.taskPath]), 2);
    expect(human).toContain('runr init');
    expectJsonError(await repo.runr(runArgs(repo, '--config', path.join(repo.dir, 'nope.json'))), 2);
    expect(noRuns(repo)).toBe(true);
  });

  it('missing task file; task without "## Goal"', async () => {
    const repo = new TestRepo();
    const missing = expectJsonError(await repo.runr(['run', '--task', 'no/such/task.md', '--worktree', '--json']), 2);
    expect(missing.message).toContain('task.md');
    repo.write('.runr/tasks/nogoal.md', '# Make the app better\n\nAdd dark mode and other improvements as needed.\n');
    const nogoal = expectJsonError(await repo.runr(['run', '--task', '.runr/tasks/nogoal.md', '--worktree', '--json']), 2);
    expect(nogoal.message).toContain('Goal');
    expect(noRuns(repo)).toBe(true);
  });

  it('bad flag values, unknown flags, missing required flags', async () => {
    const repo = new TestRepo();
    for (const bad of [['--time', 'abc'], ['--time', '0'], ['--max-ticks', '1.5'], ['--max-ticks', 'x'], ['--budget-usd', '-1']]) {
      const e = expectJsonError(await repo.runr(runArgs(repo, ...bad)), 2);
      expect(e.message, bad.join(' ')).toContain(bad[0]!);
    }
    expect(expectJsonError(await repo.runr(runArgs(repo, '--bogus')), 2).message).toContain('--bogus');
    expect(expectJsonError(await repo.runr(['run', '--json']), 2).message).toContain('--task');
    expectJsonError(await repo.runr(['wait', 'latest', '--for', 'something', '--json']), 2);
    expectJsonError(await repo.runr(['status', '--json']), 2);
    expect(noRuns(repo)).toBe(true);

    const human = await repo.runr(['run', '--task', repo.taskPath, '--time', 'abc']);
    expectHumanError(human, 2);
    expect(human.stderr).toContain('--time');
    const unknown = await repo.runr(['frobnicate']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('frobnicate');
  });

  it('not a git repository; a repository with no commits', async () => {
    const dir = tempDir();
    for (const args of [['run', '--task', 'task.md', '--json'], ['status', '--all', '--json'], ['init', '--json']]) {
      const e = expectJsonError(await runrIn(dir, args), 2);
      expect(e.message, args.join(' ')).toMatch(/git/);
    }
    expectJsonError(await runrIn(ROOT, ['status', '--all', '--json', '--repo', path.join(dir, 'absent')]), 2);

    const empty = tempDir();
    git(empty, 'init', '-q', '-b', 'main');
    fs.mkdirSync(path.join(empty, '.runr', 'tasks'), { recursive: true });
    const probe = new TestRepo(); // borrow a valid config and task
    fs.copyFileSync(path.join(probe.dir, '.runr', 'runr.config.json'), path.join(empty, '.runr', 'runr.config.json'));
    fs.copyFileSync(probe.taskPath, path.join(empty, '.runr', 'tasks', 'task.md'));
    const e = expectJsonError(await runrIn(empty, ['run', '--task', '.runr/tasks/task.md', '--worktree', '--json'], probe.env()), 2);
    expect(e.message).toMatch(/no commits/);
  });
});

describe('exit 3: run not found', () => {
  it('unknown and malformed run ids, and `latest` with no runs, for status, report, wait and resume', async () => {
    const repo = new TestRepo();
    const cases: [string, string][] = [
      ['status', '20200101000000'], ['status', 'abc'], ['status', '../../etc'], ['status', 'latest'],
      ['report', '20200101000000'], ['report', '2026'], ['wait', '20200101000000'], ['wait', 'latest'],
      ['resume', '20200101000000'], ['resume', 'not-an-id'],
    ];
    for (const [cmd, id] of cases) {
      const e = expectJsonError(await repo.runr([cmd, id, '--json']), 3);
      expect(e.code, `${cmd} ${id}`).toBe('run_not_found');
      expect(e.message).toMatch(/Run not found/);
    }
    const human = expectHumanError(await repo.runr(['status', '20200101000000']), 3);
    expect(human).toMatch(/Run not found/);
    expect(human).toContain('runr status --all');
  });
});

describe('exit 5: not resumable', () => {
  it('resume of a complete run, and of a guard_violation stop', async () => {
    const repo = new TestRepo({ script: { IMPLEMENT: [{ result: ok() }] } });
    const done = await startRun(repo, ['--fast']);
    expect(done.exitCode).toBe(0);
    const e = expectJsonError(await repo.runr(['resume', done.runId, '--json']), 5);
    expect(e.code).toBe('not_resumable');
    expect(e.message).toContain('complete');
    expectHumanError(await repo.runr(['resume', done.runId]), 5);
    // Bad flag values on an existing run are usage errors (2), checked before anything else.
    expectJsonError(await repo.runr(['wait', done.runId, '--timeout', 'abc', '--json']), 2);
    expectJsonError(await repo.runr(['resume', done.runId, '--time', 'abc', '--json']), 2);

    repo.setScript({ IMPLEMENT: [{ write: { '.env': 'SECRET=1\n' }, result: ok() }] });
    const violated = await startRun(repo, ['--fast']);
    expect(violated.exitCode).toBe(1);
    const status = (await repo.runr(['status', violated.runId])).json();
    expect(status.stop_reason).toBe('guard_violation');
    expect(status.guard_violation_files).toContain('.env');
    const e2 = expectJsonError(await repo.runr(['resume', violated.runId, '--json']), 5);
    expect(e2.message).toContain('guard_violation');
  });
});

describe('--help and --version', () => {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runrIn(tempDir(), [flag]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  const FLAGS: Record<string, string[]> = {
    init: ['--print', '--force', '--interactive', '--repo'],
    run: ['--task', '--worktree', '--fast', '--json', '--allow-deps', '--allow-dirty', '--time', '--max-ticks', '--budget-usd', '--detach', '--config', '--repo'],
    status: ['--all', '--human', '--json', '--repo'],
    resume: ['--force', '--json', '--detach', '--repo'],
    wait: ['--for', '--timeout', '--json', '--repo'],
    report: ['--json', '--kpi-only', '--repo'],
  };
  it.each(Object.entries(FLAGS))('%s --help lists its flags', async (cmd, flags) => {
    const r = await runrIn(tempDir(), [cmd, '--help']);
    expect(r.exitCode).toBe(0);
    for (const flag of flags) expect(r.stdout, `${cmd} ${flag}`).toContain(flag);
  });

  it('runr --help lists the commands of the run engine and hides the internal one', async () => {
    const r = await runrIn(tempDir(), ['--help']);
    expect(r.exitCode).toBe(0);
    for (const cmd of ['init', 'run', 'status', 'resume', 'wait', 'report']) {
      expect(r.stdout, cmd).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    }
    expect(r.stdout).not.toContain('__supervise');
  });
});
