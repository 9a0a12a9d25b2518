// runr watch: observing a run to its end and auto-resuming it only where that is safe.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WatchEventSchema, type WatchEvent } from '../../src/contracts/outputs.js';
import { execa } from 'execa';
import { approve, ok, plan, RUNR_BIN, TestRepo, type Script } from '../helpers/harness.js';
import { failingCheckWithNewErrors, flakyCheck, statusOf } from '../helpers/e2e-support.js';
import { CRASH, expectCompleteTwoMilestoneRun, twoMilestoneScript } from '../helpers/crash.js';

async function startDetached(repo: TestRepo, extra: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json', '--detach', ...extra], { env });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout.split('\n')[0]!).run_id;
}

async function watch(repo: TestRepo, runId: string, flags: string[]) {
  const r = await repo.runr(['watch', runId, '--json', '--interval', '1', ...flags], { timeoutMs: 90_000 });
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => WatchEventSchema.parse(JSON.parse(l)));
  return { ...r, events, kinds: events.map((e) => e.event).filter((k) => k !== 'watching') };
}

const resumedEvents = (repo: TestRepo, runId: string) => repo.events(runId).filter((e) => e.type === 'run_resumed');

describe('runr watch --auto-resume', () => {
  it('resumes a run whose verification kept failing, until it succeeds', async () => {
    const repo = new TestRepo({ script: { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] } });
    const counter = path.join(repo.stateDir, 'flaky-count');
    repo.write('check.js', flakyCheck(counter, 3));
    repo.git('commit', '-qam', 'flaky check');
    const runId = await startDetached(repo);

    const w = await watch(repo, runId, ['--auto-resume', '--cooldown', '0']);
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.kinds).toEqual(['failed', 'resumed', 'succeeded']);
    expect(w.events.find((e) => e.event === 'failed')).toMatchObject({ stop_reason: 'verification_failed_max_retries', attempt: 0 });
    expect(w.events.at(-1)).toMatchObject({ event: 'succeeded', run_id: runId, milestones_completed: 1 });
    expect(fs.readFileSync(counter, 'utf8')).toBe('4');
    expect((await statusOf(repo, runId)).stop_reason).toBe('complete');
  });

  it('never resumes a guard violation: it reports the stop and what to do, and exits with the run\'s code', async () => {
    const repo = new TestRepo({ script: { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { '.env': 'SECRET=1\n' }, result: ok() }] } });
    const runId = await startDetached(repo);

    const w = await watch(repo, runId, ['--auto-resume', '--cooldown', '0']);
    expect(w.exitCode).toBe(1);
    expect(w.kinds).toEqual(['stopped']);
    expect(w.events.at(-1)).toMatchObject({ stop_reason: 'guard_violation', next_action: 'resolve_scope_violation' });
    expect(resumedEvents(repo, runId)).toEqual([]);
  });

  it('resumes a quota_wait stop not before its retry_at', async () => {
    const script: Script = {
      PLAN: [{ result: { status: 'rate_limited', retry_after_s: 4 } }, { result: plan('add a') }],
      IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
      REVIEW: [{ result: approve() }],
    };
    const repo = new TestRepo({ script });
    // A 3 s budget: the 4 s quota wait would overrun it, so the run stops with quota_wait.
    const runId = await startDetached(repo, ['--time', '0.05']);

    const w = await watch(repo, runId, ['--auto-resume', '--cooldown', '0', '--max-attempts', '5']);
    expect(w.exitCode, w.stdout + w.stderr).toBe(0);
    const failed = w.events.find((e): e is Extract<WatchEvent, { event: 'failed' }> => e.event === 'failed')!;
    expect(failed.stop_reason).toBe('quota_wait');
    const stopEvent = repo.events(runId).find((e) => e.type === 'effect_result' && e.result.kind === 'worker');
    const retryAt = Date.parse(stopEvent.ts) + 4000;
    expect(Date.parse(failed.resume_at!)).toBeGreaterThanOrEqual(retryAt - 1000);
    const [firstResume] = resumedEvents(repo, runId);
    expect(Date.parse(firstResume.ts)).toBeGreaterThanOrEqual(Date.parse(failed.resume_at!));
  });

  it('reclaims a run whose executor died (stale) and sees it through', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    // The executor kills itself right after journal event 8; nothing else would ever finish the run.
    const started = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json'], { env: { [CRASH]: '8' } });
    const runId = JSON.parse(started.stdout.split('\n')[0]!).run_id;

    const w = await watch(repo, runId, ['--auto-resume', '--cooldown', '0']);
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.kinds).toEqual(['failed', 'resumed', 'succeeded']);
    expect(w.events.find((e) => e.event === 'failed')).toMatchObject({ stale: true, stop_reason: null });
    await expectCompleteTwoMilestoneRun(repo, runId);
  });

  it('gives up after --max-attempts resumes, naming the next command', async () => {
    const repo = new TestRepo({ script: { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }] } });
    // A different error every time: repeated failures would stop the run (repeated_failure) before watch gives up.
    repo.write('check.js', failingCheckWithNewErrors(path.join(repo.stateDir, 'failures')));
    repo.git('commit', '-qam', 'always failing check');
    const runId = await startDetached(repo);

    const w = await watch(repo, runId, ['--auto-resume', '--cooldown', '0', '--max-attempts', '1']);
    expect(w.exitCode).toBe(1);
    expect(w.kinds).toEqual(['failed', 'resumed', 'gave_up']);
    expect(w.events.at(-1)).toMatchObject({ stop_reason: 'verification_failed_max_retries', attempt: 1, suggested_command: `runr resume ${runId}` });
  });
});

describe('runr watch without --auto-resume', () => {
  it('reports "watching" while the run executes and the stop at its end, without resuming', async () => {
    const repo = new TestRepo({
      script: { PLAN: [{ sleep_ms: 2500, result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }] },
    });
    repo.write('check.js', 'process.exit(1)\n');
    repo.git('commit', '-qam', 'always failing check');
    const runId = await startDetached(repo);

    const w = await watch(repo, runId, []);
    expect(w.exitCode).toBe(1);
    expect(w.events[0]).toMatchObject({ event: 'watching', run_id: runId });
    expect(w.kinds).toEqual(['stopped']);
    expect(w.events.at(-1)).toMatchObject({ stop_reason: 'verification_failed_max_retries', next_action: 'resume', suggested_command: `runr resume ${runId}` });
    expect(resumedEvents(repo, runId)).toEqual([]);

    const human = await repo.runr(['watch', runId]);
    expect(human.stdout).toContain(`stopped: verification_failed_max_retries (needs you). Next: runr resume ${runId}`);
  });

  it('Ctrl-C ends the watching with exit 130, never the run', async () => {
    const repo = new TestRepo();
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({ PLAN: [{ wait_for: release, result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] });
    const runId = await startDetached(repo);
    const child = execa(process.execPath, [RUNR_BIN, 'watch', runId, '--json', '--interval', '0.2'], { cwd: repo.dir, env: repo.env(), reject: false });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.kill('SIGINT');
    const watched = await child;
    expect(watched.exitCode).toBe(130);
    expect(JSON.parse(String(watched.stdout).split('\n')[0]!)).toMatchObject({ event: 'watching', run_id: runId });
    expect((await statusOf(repo, runId)).lease).toMatchObject({ alive: true });
    fs.writeFileSync(release, '');
    const waited = await repo.runr(['wait', runId, '--json']);
    expect(waited.json()).toMatchObject({ stop_reason: 'complete' });
  });
});
