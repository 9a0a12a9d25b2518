// runr follow: a run's progress as it happens, ending with the run.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEventSchema } from '../../src/contracts/events.js';
import { approve, ok, plan, TestRepo, type Script } from '../helpers/harness.js';
import { CRASH, twoMilestoneScript, until } from '../helpers/crash.js';

/** Starts a detached run whose planner waits for `release` to exist, so that follow attaches mid-run. */
async function startHeldRun(repo: TestRepo, script: Script): Promise<{ runId: string; release: string }> {
  const release = path.join(repo.stateDir, 'release');
  const held = { ...script, PLAN: [{ wait_for: release, ...(script.PLAN?.[0] ?? {}) }, ...(script.PLAN?.slice(1) ?? [])] };
  repo.setScript(held);
  const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json', '--detach']);
  expect(r.exitCode, r.stderr).toBe(0);
  return { runId: JSON.parse(r.stdout.split('\n')[0]!).run_id, release };
}

const releaseSoon = (file: string) => setTimeout(() => fs.writeFileSync(file, 'go'), 700);

describe('runr follow', () => {
  it('prints phases, worker results, verification and checkpoints as they happen, then the stop, with the run\'s exit code', async () => {
    const repo = new TestRepo();
    const { runId, release } = await startHeldRun(repo, twoMilestoneScript());
    releaseSoon(release);
    const r = await repo.runr(['follow', runId]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Following run ${runId}`);
    for (const expected of [
      /PLAN +asking the planner/, /PLAN +2 milestones: add a · add b/, /IMPLEMENT +m1 attempt 1/, /VERIFY +passed/,
      /REVIEW +approved/, /CHECKPOINT m1 committed [0-9a-f]{8}/, /CHECKPOINT m2 committed/, new RegExp(`✓ Run ${runId} complete: 2/2 milestones`),
    ]) expect(r.stdout).toMatch(expected);
  });

  it('--json prints the journal\'s events as NDJSON, every one, in order', async () => {
    const repo = new TestRepo();
    const { runId, release } = await startHeldRun(repo, twoMilestoneScript());
    releaseSoon(release);
    const r = await repo.runr(['follow', runId, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => RunEventSchema.parse(JSON.parse(l)));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events).toEqual(repo.events(runId));
    expect(events.at(-1)).toMatchObject({ type: 'effect_result', result: { kind: 'finalize' } });
  });

  it('without an id follows the newest run being executed; with none executing it says so (exit 3)', async () => {
    const repo = new TestRepo();
    const none = await repo.runr(['follow']);
    expect(none.exitCode).toBe(3);
    expect(none.stderr).toMatch(/No run is executing now/);

    const { runId, release } = await startHeldRun(repo, twoMilestoneScript());
    releaseSoon(release);
    const r = await repo.runr(['follow']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Following run ${runId}`);
  });

  it('shows a quota wait with its reason and the time left', async () => {
    const repo = new TestRepo();
    const { runId, release } = await startHeldRun(repo, {
      PLAN: [{ result: { status: 'rate_limited', retry_after_s: 2 } }, { result: plan('add a') }],
      IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
      REVIEW: [{ result: approve() }],
    });
    releaseSoon(release);
    const r = await repo.runr(['follow', runId]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/WAITING +quota_wait: a worker is rate limited; retrying at \S+ \(in [0-2] s\)/);
  });

  it('replaying a finished run shows a quota wait as long as it was, not "in 0 s"', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: { status: 'rate_limited', retry_after_s: 2 } }, { result: plan('add a') }],
        IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const run = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const r = await repo.runr(['follow', 'latest']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/WAITING +quota_wait: a worker is rate limited; retrying at \S+ \(in [12] s\)/);
  });

  it('ends, saying how to continue, when the run\'s executor dies', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript({ 'IMPLEMENT:m1': [{ sleep_ms: 1500, write: { 'src/a.js': 'a\n' }, result: ok('a') }] }) });
    const started = repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json'], { env: { [CRASH]: '6' } });
    const runs = path.join(repo.dir, '.runr', 'runs');
    await until(() => (fs.existsSync(runs) && fs.readdirSync(runs).length > 0) || null, 'the run directory');
    const r = await repo.runr(['follow', 'latest']);
    await started;
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/is not being executed by anyone \(stale, in \w+\)\. Continue it with: runr resume \d{14}/);
  });
});
