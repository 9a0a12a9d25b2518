import { describe, expect, it } from 'vitest';
import { WaitOutputSchema } from '../../src/contracts/outputs.js';
import { approve, ok, plan, startRun, TestRepo, type Script } from '../helpers/harness.js';
import {
  describeJournal, resumeToCompletion, gitKillingRunrAfter, CRASH, expectKilled, startCrashingRun, expectStateMatchesJournal, promptKeys, statusNow, statusOf,
  TWO_MILESTONE_KEYS, twoMilestoneScript,
} from '../helpers/crash.js';

/**
 * Workers that play runr's own death (kill_parent) run unconfined: a confined worker lives in its own
 * pid namespace, where runr cannot even be named (tests/e2e/sandbox.test.ts shows it cannot kill runr).
 */
const KILLS_RUNR = { sandbox: 'off' };

/** A stale run (its executor was killed): status says so and points at resume; nothing is half-applied. */
async function expectStale(repo: TestRepo, runId: string) {
  const s = await statusOf(repo, runId);
  expect(s.stale).toBe(true);
  expect(s.lease).toBeUndefined();
  expect(s.stop_reason).toBeNull();
  expect(s.next_action).toBe('resume');
  expect(s.suggested_command).toBe(`runr resume ${runId}`);
  expectStateMatchesJournal(repo, runId);
  return s;
}

describe('kill -9 of the executor while a worker runs, then resume', () => {
  const cases: { phase: string; script: Script; keys: string[] }[] = [
    {
      phase: 'PLAN',
      script: { PLAN: [{ kill_parent: true }, { result: plan('add a', 'add b') }] },
      keys: ['PLAN', ...TWO_MILESTONE_KEYS],
    },
    {
      phase: 'IMPLEMENT',
      script: {
        'IMPLEMENT:m2': [
          { write: { 'src/b.js': 'export const b = /* half done' }, kill_parent: true },
          { write: { 'src/b.js': 'export const b = 2;\n' }, result: ok('b') },
        ],
      },
      keys: ['PLAN', 'IMPLEMENT-m1', 'REVIEW-m1', 'IMPLEMENT-m2', 'IMPLEMENT-m2', 'REVIEW-m2'],
    },
    {
      phase: 'REVIEW',
      script: { 'REVIEW:m1': [{ kill_parent: true }, { result: approve() }] },
      keys: ['PLAN', 'IMPLEMENT-m1', 'REVIEW-m1', 'REVIEW-m1', 'IMPLEMENT-m2', 'REVIEW-m2'],
    },
  ];

  it.each(cases)('during $phase: the run is stale, resume completes it without redoing finished work', async ({ phase, script, keys }) => {
    const repo = new TestRepo({ script: twoMilestoneScript(script), config: KILLS_RUNR });
    const first = await startRun(repo);
    expectKilled(first);
    const s = await expectStale(repo, first.runId);
    expect(s.phase).toBe(phase);
    if (phase === 'REVIEW') expect(s.milestones.map((m) => m.status)).toEqual(['in_progress', 'pending']);
    if (phase === 'IMPLEMENT') expect(s.milestones.map((m) => m.status)).toEqual(['complete', 'in_progress']);

    if (phase === 'PLAN') {
      // wait must not hang on a run nobody executes.
      const w = await repo.runr(['wait', first.runId, '--for', 'terminal', '--timeout', '30', '--json']);
      expect(w.exitCode).not.toBe(0);
      expect(w.exitCode).not.toBe(124);
      expect(w.json(WaitOutputSchema)).toMatchObject({ run_id: first.runId, stale: true, stop_reason: null, milestones_completed: 0 });
    }

    await resumeToCompletion(repo, first.runId);
    expect(promptKeys(repo)).toEqual(keys);
  });
});

describe('kill -9 right after journal event N (RUNR_TEST_CRASH_AFTER_SEQ), then resume', () => {
  it('crashing at every journal boundary of a two-milestone run, one crash per session, loses and repeats nothing', async () => {
    // The journal of an uninterrupted run: the boundaries to crash at.
    const ref = new TestRepo({ script: twoMilestoneScript() });
    const refRun = await startRun(ref);
    expect(refRun.exitCode, refRun.stderr).toBe(0);
    const canonical = describeJournal(ref.events(refRun.runId));
    expect(canonical.at(-1)).toBe('result finalize');

    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '3');
    const runId = first.runId;
    expect(describeJournal(repo.events(runId))).toEqual(canonical.slice(0, 3));

    // Each session resumes, re-performs an effect left in flight, and dies right after the next boundary.
    for (let b = 4; b <= canonical.length - 1; b++) {
      const before = describeJournal(repo.events(runId));
      const stopped = (await statusNow(repo.runDir(runId)))!.phase === 'STOPPED';
      const prologue = stopped ? [] : ['run_resumed', 'started prepare_workspace', 'result prepare_workspace'];
      const redo = before.at(-1)!.startsWith('started ') ? [before.at(-1)!] : [];
      const expected = [...prologue, ...redo, canonical[b - 1]!];
      const r = await repo.runr(['resume', runId, '--json'], { env: { [CRASH]: String(before.length + expected.length) } });
      expectKilled(r);
      expect(describeJournal(repo.events(runId)).slice(before.length), `session crashing after boundary ${b}`).toEqual(expected);
      expect((await statusNow(repo.runDir(runId)))!.stale).toBe(true);
      expectStateMatchesJournal(repo, runId);
    }

    await resumeToCompletion(repo, runId);
    // The hook kills between effects, so no worker call is ever repeated.
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  }, 180_000);

  // A crash point the loop above cannot reach: inside prepare_workspace of the very first session.
  const points = [
    { n: 2, at: 'prepare_workspace started' },
  ];
  it.each(points)('after event $n ($at): one resume completes the run', async ({ n }) => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, String(n));
    expect(repo.events(first.runId)).toHaveLength(n);
    const s = await statusOf(repo, first.runId);
    expect(s.stale).toBe(true);
    await resumeToCompletion(repo, first.runId);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });

  it('crashes inside the resume prologue (prepare_workspace in flight), then completes', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '7'); // IMPLEMENT m1 result journaled
    // run_resumed, then prepare_workspace started: the next resume has two prepares queued.
    const len = repo.events(first.runId).length;
    expectKilled(await repo.runr(['resume', first.runId], { env: { [CRASH]: String(len + 2) } }));
    expectStateMatchesJournal(repo, first.runId);
    await resumeToCompletion(repo, first.runId);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });

  if (process.env.RUNR_TEST_EXHAUSTIVE) {
    // Opt-in (slow): a fresh run per boundary, as an operator would see it.
    it.each(Array.from({ length: 29 }, (_, i) => i + 2))('exhaustive: crash after event %i, resume once', async (n) => {
      const repo = new TestRepo({ script: twoMilestoneScript() });
      const first = await startCrashingRun(repo, String(n));
      await resumeToCompletion(repo, first.runId);
      expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
    });
  }
});

describe('kill -9 after the checkpoint commit, before its result is journaled', () => {
  it('finds the crash-made commit on resume instead of committing twice', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startRun(repo, [], gitKillingRunrAfter('echo " $* " | grep -q " update-ref -m runr: checkpoint "'));
    expectKilled(first);
    const runId = first.runId;
    const journal = describeJournal(repo.events(runId));
    expect(journal.at(-1)).toBe('started checkpoint-m1');
    const crashMade = repo.git('rev-parse', `runr/${runId}`);
    expect(repo.git('log', '-1', '--format=%B', crashMade)).toContain(`Runr-Checkpoint: ${runId}/m1`);
    const s = await statusOf(repo, runId);
    expect(s.stale).toBe(true);
    expect(s.checkpoint_sha).toBeNull();

    await resumeToCompletion(repo, runId);
    const results = repo.events(runId).filter((e) => e.type === 'effect_result' && e.result.kind === 'checkpoint');
    expect(results.map((e) => e.result)).toEqual([
      { kind: 'checkpoint', ok: true, sha: crashMade, reused: true },
      expect.objectContaining({ ok: true, reused: false }),
    ]);
    expect(repo.git('rev-parse', `runr/${runId}~1`)).toBe(crashMade);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });
});

describe('kill -9 of a run in the repository itself (no --worktree)', () => {
  async function startInPlace(repo: TestRepo, env: Record<string, string> = {}) {
    const r = await repo.runr(['run', '--task', repo.taskPath, '--json'], { env });
    return { ...r, runId: JSON.parse(r.stdout.split('\n')[0]!).run_id as string };
  }
  const branchOf = (repo: TestRepo) => repo.git('symbolic-ref', '--short', 'HEAD');

  it('during IMPLEMENT: resume completes, and the user is back on their branch with a clean tree', async () => {
    const repo = new TestRepo({
      config: KILLS_RUNR,
      script: twoMilestoneScript({
        'IMPLEMENT:m2': [
          { write: { 'src/b.js': 'half' }, kill_parent: true },
          { write: { 'src/b.js': 'export const b = 2;\n' }, result: ok('b') },
        ],
      }),
    });
    const first = await startInPlace(repo);
    expectKilled(first);
    expect(branchOf(repo)).toBe(`runr/${first.runId}`);
    await expectStale(repo, first.runId);
    await resumeToCompletion(repo, first.runId);
    expect(branchOf(repo)).toBe('main');
    expect(repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT-m1', 'REVIEW-m1', 'IMPLEMENT-m2', 'IMPLEMENT-m2', 'REVIEW-m2']);
  });

  it('after the stop was journaled but before its clean-up: status says stale and resume, resume returns the user to their branch', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startInPlace(repo, { [CRASH]: '29' }); // checkpoint m2 result: complete, finalize pending
    expectKilled(first);
    expect(branchOf(repo)).toBe(`runr/${first.runId}`);
    const s = await statusOf(repo, first.runId);
    expect(s.stale).toBe(true);
    expect(s.next_action).toBe('resume'); // the stop's clean-up (finalize) is still to do
    expect(s.suggested_command).toBe(`runr resume ${first.runId}`);
    await resumeToCompletion(repo, first.runId);
    expect(branchOf(repo)).toBe('main');
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });

  it('killed inside the stop clean-up after the user was put back on their branch: the saved work is restored on resume', async () => {
    const repo = new TestRepo({
      script: twoMilestoneScript({
        'IMPLEMENT:m1': [
          { write: { 'src/wip.txt': 'work in progress\n' }, result: { status: 'blocked', blocked_reason: 'need a decision' } },
          { write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') },
        ],
      }),
    });
    // The stop's clean-up saves src/wip.txt under refs/runr/wip/<id>, discards it and checks out main: die right then.
    const first = await startInPlace(repo, gitKillingRunrAfter('echo " $* " | grep -q " checkout -q main "'));
    expectKilled(first);
    expect(branchOf(repo)).toBe('main');
    expect(repo.git('for-each-ref', '--format=%(refname)', 'refs/runr/wip/')).toBe(`refs/runr/wip/${first.runId}`);
    const s = await statusOf(repo, first.runId);
    expect(s).toMatchObject({ stop_reason: 'implement_blocked', stale: true });

    await resumeToCompletion(repo, first.runId);
    expect(repo.git('show', `runr/${first.runId}~1:src/wip.txt`)).toBe('work in progress');
    expect(repo.git('for-each-ref', 'refs/runr/wip/')).toBe('');
    expect(branchOf(repo)).toBe('main');
  });
});

