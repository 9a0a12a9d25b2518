import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { approve, ok, plan, RUNR_BIN, TestRepo } from '../helpers/harness.js';
import { agentProcesses, sleep, statusOf, type XScript } from '../helpers/e2e-support.js';

// The recorded `interrupted` stop without a terminal (interrupt-tty.test.ts has the terminal): a
// foreground run in the repository itself, a background (--detach) executor, a run waiting out a quota.
// Each time: exit 130, the worker tree ended, `stopped / interrupted` with `runr resume <id>`, and a resume
// that completes.

const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) for (const pid of agentProcesses(repo)) process.kill(pid, 'SIGKILL');
});

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const runsDir = (repo: TestRepo) => path.join(repo.dir, '.runr', 'runs');
const leasePid = (repo: TestRepo, runId: string): number => JSON.parse(fs.readFileSync(path.join(repo.runDir(runId), 'lease.json'), 'utf8')).pid;
const blockingImplementer: XScript = {
  PLAN: [{ result: plan('m one') }],
  IMPLEMENT: [{ pid_file: 'implement.pid', sleep_ms: 60_000, result: ok() }, { write: { 'greet.js': 'x\n' }, result: ok() }],
  REVIEW: [{ result: approve() }],
};

async function expectInterrupted(repo: TestRepo, runId: string, signal: string): Promise<void> {
  await until('the worker to be gone', () => agentProcesses(repo).length === 0, 10_000);
  const status = await statusOf(repo, runId);
  expect(status).toMatchObject({ phase: 'STOPPED', stop_reason: 'interrupted', stop_detail: `interrupted by ${signal}`, next_action: 'resume', suggested_command: `runr resume ${runId}` });
  const wait = await repo.runr(['wait', runId, '--json']);
  expect(wait.exitCode).toBe(130);
  expect(wait.json()).toMatchObject({ stop_reason: 'interrupted' });
}

describe('the interrupted stop', () => {
  it('SIGINT to a foreground run in the repository itself: exit 130, your branch back; resume completes', async () => {
    const repo = new TestRepo({ script: blockingImplementer });
    repos.push(repo);
    const child = execa(process.execPath, [RUNR_BIN, 'run', '--task', repo.taskPath, '--json'], { cwd: repo.dir, env: repo.env(), reject: false });
    await until('the implementer to start', () => fs.existsSync(path.join(repo.stateDir, 'implement.pid')));
    const runId = fs.readdirSync(runsDir(repo))[0]!;
    child.kill('SIGINT');
    const end = await child;
    expect(end.exitCode, end.stderr).toBe(130);
    expect(JSON.parse(end.stdout.split('\n')[0]!)).toMatchObject({ run_id: runId, status: 'started' });
    expect(end.stderr).toContain(`Next: runr resume ${runId}`);
    expect(end.stderr).not.toMatch(/^\s+at /m);
    await expectInterrupted(repo, runId, 'SIGINT');
    // The stop's clean-up ran: the checkout is back on the branch it was on.
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');

    const resumed = await repo.runr(['resume', runId]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect((await statusOf(repo, runId)).stop_reason).toBe('complete');
    expect(repo.git('show', `runr/${runId}:greet.js`)).toBe('x');
  }, 90_000);

  it('SIGTERM to a background executor (--detach): recorded as interrupted, not auto-resumed by watch; resume completes', async () => {
    const repo = new TestRepo({ script: blockingImplementer });
    repos.push(repo);
    const started = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--detach', '--json']);
    expect(started.exitCode, started.stderr).toBe(0);
    const runId: string = started.lines()[0].run_id;
    await until('the implementer to start', () => fs.existsSync(path.join(repo.stateDir, 'implement.pid')));
    process.kill(leasePid(repo, runId), 'SIGTERM');
    await expectInterrupted(repo, runId, 'SIGTERM');

    // A person (or a shutdown) stopped it: watch --auto-resume leaves it alone.
    const watch = await repo.runr(['watch', runId, '--auto-resume', '--cooldown', '0', '--json']);
    expect(watch.lines().map((e) => e.event)).toEqual(['stopped']);
    expect(watch.lines()[0]).toMatchObject({ stop_reason: 'interrupted' });

    const resumed = await repo.runr(['resume', runId]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect((await statusOf(repo, runId)).stop_reason).toBe('complete');
  }, 90_000);

  it('SIGINT while the run waits out a quota: the wait ends at once; resume goes on with the call that waited', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: plan('m one') }],
        IMPLEMENT: [{ result: { status: 'rate_limited', retry_after_s: 600 } }, { result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    repos.push(repo);
    const child = execa(process.execPath, [RUNR_BIN, 'run', '--task', repo.taskPath, '--worktree', '--json'], { cwd: repo.dir, env: repo.env(), reject: false });
    await until('the run to wait', () => fs.existsSync(runsDir(repo)) && fs.readdirSync(runsDir(repo)).length > 0);
    const runId = fs.readdirSync(runsDir(repo))[0]!;
    await until('the quota wait', async () => (await statusOf(repo, runId)).waiting?.reason === 'quota_wait');
    child.kill('SIGINT');
    const end = await child;
    expect(end.exitCode, end.stderr).toBe(130);
    await expectInterrupted(repo, runId, 'SIGINT');
    expect((await statusOf(repo, runId)).waiting).toBeUndefined();

    const resumed = await repo.runr(['resume', runId]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect((await statusOf(repo, runId)).stop_reason).toBe('complete');
    expect(repo.prompts().map((p) => p.key)).toEqual(['PLAN', 'IMPLEMENT', 'IMPLEMENT', 'REVIEW']);
  }, 90_000);
});
