import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/contracts/effects.js';
import { ReplayStepSchema } from '../../src/contracts/replay.js';
import { replay } from '../../src/engine/machine.js';
import { describeChoices, parseAt, replaySteps, selectAt, stateView } from '../../src/engine/replay-steps.js';
import { Journal, R, runInit } from './machine-fixtures.js';

const isVerify = (e: Effect) => e.kind === 'verify';
const isWorker = (e: Effect, phase: string) => e.kind === 'worker' && e.phase === phase;

/** A two-milestone run whose first verification fails once. */
function retriedRun(): Journal {
  let failures = 1;
  return new Journal().drive((e) => {
    if (isWorker(e, 'PLAN')) return R.plan('one', 'two');
    if (isVerify(e) && failures-- > 0) return R.verifyFail('flaky failure 1');
    return undefined;
  });
}

describe('replaySteps', () => {
  it('gives every event, in order, the view of the state folded up to it', () => {
    const j = retriedRun();
    const steps = replaySteps(j.events);
    expect(steps.map((s) => s.step.seq)).toEqual(j.events.map((e) => e.seq));
    steps.forEach((s, i) => {
      const folded = replay(j.events.slice(0, i + 1))!;
      expect(s.state).toEqual(folded);
      expect(s.step.state).toEqual(stateView(folded));
      expect(ReplayStepSchema.parse(s.step)).toEqual(s.step);
    });
    expect(steps.at(-1)!.step.state).toMatchObject({ phase: 'STOPPED', stop_reason: 'complete', milestones_completed: 2, milestones_total: 2 });
  });

  it('describes each event by its effect (kind, phase, milestone, attempt) and a result by its outcome', () => {
    const steps = replaySteps(retriedRun().events).map((s) => s.step);
    const descriptions = steps.map((s) => s.event.description);
    expect(descriptions.slice(0, 5)).toEqual([
      'run started: Task', 'PREPARE started', 'PREPARE → ok', 'PLAN a1 started', 'PLAN a1 → result 2 milestones',
    ]);
    expect(descriptions).toContain('IMPLEMENT m1 a1 → result ok');
    expect(descriptions).toContain('GUARD after IMPLEMENT m1 → ok (1 changed)');
    expect(descriptions).toContain('REVIEW m2 a1 → result approve');
    expect(descriptions).toContain('FINALIZE → done');
    expect(descriptions.filter((d) => d.startsWith('CHECKPOINT m') && d.includes('→ ok '))).toHaveLength(2);

    const failed = steps.find((s) => s.event.description === 'VERIFY m1 a1 → failed: node check.js exit 1')!;
    expect(failed.event).toMatchObject({ type: 'effect_result', outcome: 'failed', effect: { kind: 'verify', milestone: 'm1', attempt: 1 } });
    expect(failed.state).toMatchObject({ phase: 'IMPLEMENT', counters: { verification_failures: 1 } });
    expect(steps.find((s) => s.event.effect?.kind === 'worker' && s.event.effect.phase === 'PLAN')!.event.effect!.milestone).toBeUndefined();
  });

  it('shows a stop, a resume and a result the machine ignored', () => {
    const j = new Journal();
    j.perform(R.prepare());
    j.start();
    j.push({ type: 'run_stopped', reason: 'interrupted', detail: 'SIGINT\nmore' });
    j.resume();
    j.result('e2', R.plan('late'));
    const steps = replaySteps(j.events).map((s) => s.step);
    expect(steps[4]).toMatchObject({ event: { type: 'run_stopped', outcome: 'interrupted', description: 'stopped: interrupted (SIGINT)' }, state: { phase: 'STOPPED', stop_reason: 'interrupted' } });
    expect(steps[5]!.event.description).toBe('resumed: session 2');
    expect(steps[6]!.event.description).toBe('PLAN a1 → result 1 milestone (already applied: ignored)');
  });

  it('describes a worker\'s activity by its first item and how many more it holds; the state is left as it was', () => {
    const j = new Journal();
    j.perform(R.prepare());
    j.start();
    const before = j.s;
    const items = [
      { at_ms: 10, kind: 'tool' as const, text: 'Edit src/auth.ts' },
      { at_ms: 20, kind: 'tool' as const, text: 'Bash npm test' },
      { at_ms: 30, kind: 'usage' as const, text: 'tokens 1.2k' },
    ];
    j.push({ type: 'worker_activity', effect_id: j.head.id, items });
    j.push({ type: 'worker_activity', effect_id: j.head.id, items: items.slice(1, 2) });
    expect(j.s).toBe(before);
    const steps = replaySteps(j.events).map((s) => s.step);
    expect(steps[4]!.event).toEqual({ type: 'worker_activity', effect: { id: j.head.id, kind: 'worker', phase: 'PLAN', attempt: 1 }, description: 'PLAN a1 activity: Edit src/auth.ts (+2)' });
    expect(steps[5]!.event.description).toBe('PLAN a1 activity: Bash npm test');
    expect(ReplayStepSchema.parse(steps[4])).toEqual(steps[4]);
  });

  it('marks a result of another kind than the effect at the head as ignored, as the machine does', () => {
    const j = new Journal();
    j.perform(R.prepare());
    j.start();
    j.result(j.head.id, R.verifyOk());
    const last = replaySteps(j.events).at(-1)!;
    expect(last.step.event.description).toBe('PLAN a1 → ok (already applied: ignored)');
    expect(last.state.queue.pending[0]).toMatchObject({ kind: 'worker', phase: 'PLAN' });
  });

  it('says what the run waits for: a quota reset, or a person at an approval gate', () => {
    const quota = new Journal().drive((e) => (isWorker(e, 'IMPLEMENT') ? R.worker({ status: 'rate_limited', retry_after_s: 60 }) : undefined), (x) => x.head.kind === 'wait_until');
    quota.start();
    const waiting = replaySteps(quota.events).at(-1)!.step;
    expect(waiting.event.description).toBe('WAIT started');
    expect(waiting.state.waiting).toMatchObject({ reason: 'quota_wait', retry_at: expect.any(String) });

    const gated = new Journal(runInit({ config: { approvals: ['plan'] } })).drive((e) => (isWorker(e, 'PLAN') ? R.plan('one') : undefined));
    expect(replaySteps(gated.events).at(-1)!.step.state).toMatchObject({ stop_reason: 'awaiting_approval', waiting: { reason: 'awaiting_approval', gate: 'plan' } });
  });
});

describe('--at', () => {
  it('parses a seq, a phase in any case, or a milestone; anything else is null', () => {
    expect(parseAt('12')).toEqual({ seq: 12 });
    expect(parseAt('verify')).toEqual({ phase: 'VERIFY' });
    expect(parseAt('CHECKPOINT')).toEqual({ phase: 'CHECKPOINT' });
    expect(parseAt('m2')).toEqual({ milestone: 2 });
    for (const nonsense of ['m0', 'x', '', '-1', '1.5', 'mm2']) expect(parseAt(nonsense)).toBeNull();
  });

  it('selects the event of that seq, the first that led to that phase, or the first of that milestone', () => {
    const steps = replaySteps(retriedRun().events).map((s) => s.step);
    expect(selectAt(steps, { seq: 7 })).toBe(6);
    const verify = selectAt(steps, { phase: 'VERIFY' });
    expect(steps[verify]!.state.phase).toBe('VERIFY');
    expect(steps.slice(0, verify).some((s) => s.state.phase === 'VERIFY')).toBe(false);
    const m2 = selectAt(steps, { milestone: 2 });
    expect(steps[m2]!.event).toMatchObject({ type: 'effect_started', effect: { phase: 'IMPLEMENT', milestone: 'm2' } });
    expect(steps[m2 - 1]!.event.effect?.milestone).toBe('m1');
    expect(selectAt(steps, { seq: 999 })).toBe(-1);
    expect(selectAt(steps, { milestone: 3 })).toBe(-1);
  });

  it('names what a journal holds, for an --at that selects nothing', () => {
    const steps = replaySteps(retriedRun().events).map((s) => s.step);
    expect(describeChoices(steps)).toBe(`seq 1..${steps.length}; phases PLAN, IMPLEMENT, VERIFY, REVIEW, CHECKPOINT, STOPPED; milestones m1, m2`);
    expect(describeChoices(steps.slice(0, 3))).toBe('seq 1..3; phases PLAN; no milestone events');
    expect(describeChoices([])).toBe('the journal has no events');
  });
});
