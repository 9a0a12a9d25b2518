// What every worker phase does the same way with a worker's outcome (src/engine/phases/worker-outcome.ts):
// crashes and stalls stop the run, answers without a valid result get follow-ups, quota pressure waits.
import { describe, expect, it } from 'vitest';
import type { EffectResult } from '../../src/contracts/effects.js';
import { iso, Journal, R, runInit, T0 } from './machine-fixtures.js';

const worker = (extra: Partial<Extract<EffectResult, { kind: 'worker' }>>): EffectResult =>
  ({ kind: 'worker', outcome: 'result', exit_code: 0, ...extra }) as EffectResult;

/** A journal whose next effect is the first IMPLEMENT call of m1. */
function atImplement(init = runInit()): Journal {
  const j = new Journal(init);
  j.perform(R.prepare());
  j.perform(R.plan('one'));
  return j;
}

describe('a worker that ends without a result', () => {
  it('crashed: stops with worker_failed at once, naming the exit code and the end of its output', () => {
    const j = atImplement();
    j.perform(worker({ outcome: 'crashed', exit_code: 3, output_tail: 'Segmentation fault' }));
    expect(j.s.stop_reason).toBe('worker_failed');
    expect(j.s.stop_detail).toBe('IMPLEMENT worker exited with code 3 without a result\nSegmentation fault');
    expect(j.s.queue.resume_effect).toMatchObject({ phase: 'IMPLEMENT', attempt: 1, followup: 0 });
  });

  it('crashed without an exit code or output: the code is "unknown" and nothing is appended', () => {
    const j = atImplement();
    j.perform(worker({ outcome: 'crashed', exit_code: null }));
    expect(j.s.stop_detail).toBe('IMPLEMENT worker exited with code unknown without a result');
  });

  it.each(['stalled', 'timed_out'] as const)('%s: stops with stalled_timeout, resumable with the same call', (outcome) => {
    const j = atImplement();
    j.perform(worker({ outcome, detail: 'no output for 600 s', exit_code: null }));
    expect(j.s.stop_reason).toBe('stalled_timeout');
    expect(j.s.stop_detail).toBe('no output for 600 s');
    expect(j.s.queue.resume_effect).toMatchObject({ phase: 'IMPLEMENT', attempt: 1, followup: 0 });
  });

  it('no JSON result: two completion-enforcement follow-ups, then worker_failed with the output tail', () => {
    const j = atImplement();
    const noResult = worker({ outcome: 'no_result', exit_code: 0, output_tail: 'I am done!' });
    j.perform(noResult);
    expect(j.s.phase).not.toBe('STOPPED');
    expect(j.head).toMatchObject({ phase: 'IMPLEMENT', attempt: 1, followup: 1, followup_reason: 'it ended without the required JSON result' });
    j.perform(noResult);
    expect(j.head).toMatchObject({ phase: 'IMPLEMENT', followup: 2 });
    j.perform(noResult);
    expect(j.s.stop_reason).toBe('worker_failed');
    expect(j.s.stop_detail).toBe('IMPLEMENT worker: it ended without the required JSON result (after 2 follow-ups)\nI am done!');
  });

  it('no JSON result, even if the last object printed looks like a valid result: it is not taken as the answer', () => {
    const j = atImplement();
    j.perform(worker({ outcome: 'no_result', result: { status: 'ok', summary: 'done' } }));
    expect(j.head).toMatchObject({ phase: 'IMPLEMENT', followup: 1, followup_reason: 'it ended without the required JSON result' });
  });

  it('a "rate limited" object printed by a worker that gave no result is not a quota wait', () => {
    const j = atImplement();
    j.perform(worker({ outcome: 'no_result', result: { status: 'rate_limited', retry_after_s: 5 } }));
    expect(j.s.queue.waiting).toBeNull();
    expect(j.head).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', followup: 1 });
  });
});

describe('a result that does not match the phase schema', () => {
  it('gets a follow-up naming each wrong field, then the phase gives up after two', () => {
    const j = atImplement();
    const wrong = worker({ result: { status: 'done', summary: 7 } });
    j.perform(wrong);
    const reason = (j.head as { followup_reason: string }).followup_reason;
    expect(reason).toMatch(/^its result did not match the IMPLEMENT schema: status: .+; summary: .+$/);
    expect(j.head).toMatchObject({ followup: 1 });
    j.perform(wrong);
    expect(j.head).toMatchObject({ followup: 2, followup_reason: reason });
    j.perform(wrong);
    expect(j.s.stop_reason).toBe('worker_failed');
    expect(j.s.stop_detail).toBe(`IMPLEMENT worker: ${reason} (after 2 follow-ups)`);
  });

  it('names a nested field by its whole path', () => {
    const j = new Journal();
    j.perform(R.prepare());
    j.perform(R.worker({ milestones: [{ goal: 'one' }, { goal: 2 }] }));
    expect((j.head as { followup_reason: string }).followup_reason).toMatch(/^its result did not match the PLAN schema: milestones\.1\.goal: \S/);
  });

  it('names the root when the result is not an object at all', () => {
    const j = atImplement();
    j.perform(worker({ result: 'ok' }));
    expect((j.head as { followup_reason: string }).followup_reason).toMatch(/^its result did not match the IMPLEMENT schema: \(root\): \S/);
  });

  it('the planner gets one corrective follow-up, not two, and is rejected after it', () => {
    const j = new Journal();
    j.perform(R.prepare());
    j.perform(R.worker({ milestones: [] }));
    expect(j.head).toMatchObject({ phase: 'PLAN', followup: 1, followup_reason: 'its result did not match the PLAN schema: milestones: the plan has no milestones' });
    j.perform(R.worker({ milestones: [] }));
    expect(j.s.stop_reason).toBe('plan_rejection');
    expect(j.s.stop_detail).toBe('PLAN worker: its result did not match the PLAN schema: milestones: the plan has no milestones (after 1 follow-ups)');
    expect(j.s.queue.resume_effect).toMatchObject({ phase: 'PLAN', followup: 0 });
  });

  it('the planner still gets both follow-ups when it gives no JSON at all', () => {
    const j = new Journal();
    j.perform(R.prepare());
    j.perform(worker({ outcome: 'no_result' }));
    j.perform(worker({ outcome: 'no_result' }));
    expect(j.head).toMatchObject({ phase: 'PLAN', followup: 2 });
  });
});

describe('quota pressure', () => {
  const waitedSeconds = (j: Journal) => (Date.parse(j.s.queue.waiting!.retry_at) - Date.parse(j.s.queue.waiting!.since)) / 1000;

  it('a reset time that is not a time is ignored in favour of retry-after', () => {
    const j = atImplement();
    j.perform(worker({ outcome: 'rate_limited', retry_at: 'soon', retry_after_s: 7 }));
    expect(waitedSeconds(j)).toBe(7);
  });

  it('a reset time already past means retrying now', () => {
    const j = atImplement();
    j.perform(worker({ outcome: 'rate_limited', retry_at: iso(T0 - 60_000) }));
    expect(j.s.queue.waiting).toMatchObject({ retry_at: j.s.queue.waiting!.since });
    expect(j.s.queue.pending[0]).toMatchObject({ kind: 'wait_until', until: j.s.queue.waiting!.since });
  });

  it('a worker answering with a rate-limited result waits its retry-after, then the count of waits starts again after a real answer', () => {
    const j = atImplement();
    j.perform(R.worker({ status: 'rate_limited', retry_after_s: 9 }));
    expect(waitedSeconds(j)).toBe(9);
    expect(j.s.loop.quota_waits).toBe(1);
    j.perform({ kind: 'wait_until' });
    j.perform(R.implement());
    expect(j.s.loop.quota_waits).toBe(0);
  });

  it('stops with quota_wait when the reset is exactly when the time budget ends, keeping the reset time and the count of waits', () => {
    const j = new Journal(runInit({ options: { time_budget_min: 10 } }));
    j.perform(R.prepare());
    const deadline = iso(Date.parse(j.s.session.started_at) + 10 * 60_000);
    j.perform(worker({ outcome: 'rate_limited', retry_at: deadline, detail: 'usage limit reached' }));
    expect(j.s.stop_reason).toBe('quota_wait');
    expect(j.s.stop_detail).toBe(`worker is rate limited until ${deadline}, after the time budget ends (usage limit reached)`);
    expect(j.s.queue.retry_at).toBe(deadline);
    expect(j.s.loop.quota_waits).toBe(1);
  });

  it('says nothing more when the worker gave no detail', () => {
    const j = new Journal(runInit({ options: { time_budget_min: 10 } }));
    j.perform(R.prepare());
    const late = iso(T0 + 3 * 3600_000);
    j.perform(worker({ outcome: 'rate_limited', retry_at: late }));
    expect(j.s.stop_detail).toBe(`worker is rate limited until ${late}, after the time budget ends`);
  });
});

describe('usage of the planner', () => {
  it('counts toward no milestone, even when a plan is asked for again after one was rejected', () => {
    const j = new Journal(runInit({ config: { scope: { allowlist: ['src/**'] } } }));
    j.perform(R.prepare());
    j.perform(R.worker({ milestones: [{ goal: 'g', files_expected: ['secrets/x.txt'] }], usage: { input_tokens: 1, output_tokens: 1, cost_usd: 0.1 } }));
    expect(j.s.stop_reason).toBe('plan_scope_violation');
    j.resume();
    j.perform(R.prepare());
    j.perform(R.worker({ milestones: [{ goal: 'g', files_expected: ['src/a.ts'] }], usage: { input_tokens: 1, output_tokens: 1, cost_usd: 0.1 } }));
    expect(j.s.stats.usage.by_phase.PLAN?.calls).toBe(2);
    expect(j.s.stats.usage.by_milestone).toEqual({});
  });
});
