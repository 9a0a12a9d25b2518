// PLAN and IMPLEMENT results as the machine takes them (src/engine/phases/plan.ts, implement.ts).
import { describe, expect, it } from 'vitest';
import type { EffectResult } from '../../src/contracts/effects.js';
import { approvalChoices } from '../../src/contracts/next-step.js';
import { lastAttemptChangedNothing } from '../../src/engine/phases/implement.js';
import { Journal, R, runInit } from './machine-fixtures.js';

const guardEmpty = (): EffectResult => ({ kind: 'guard', ok: true, violations: [], changed: 0, empty: true });
const implementWith = (answer: Record<string, unknown>, extra: Partial<Extract<EffectResult, { kind: 'worker' }>> = {}) =>
  R.worker(answer, extra);

/** A journal whose next effect is the first IMPLEMENT call of m1 (of a plan with these milestones). */
function atImplement(plan: EffectResult = R.plan('one'), init = runInit()): Journal {
  const j = new Journal(init);
  j.perform(R.prepare());
  j.perform(plan);
  return j;
}

describe('the plan', () => {
  it('milestones that name no files or checks get empty lists', () => {
    const j = atImplement(R.worker({ milestones: [{ goal: 'just do it' }] }));
    expect(j.s.milestones).toEqual([{ id: 'm1', goal: 'just do it', files_expected: [], done_checks: [], status: 'pending', checkpoint_sha: null }]);
  });

  it('that expects to change files out of scope stops with plan_scope_violation, naming each file once for the next plan', () => {
    const j = atImplement(R.worker({ milestones: [{ goal: 'a', files_expected: ['secrets/a.txt', 'src/x.ts'] }, { goal: 'b', files_expected: ['secrets/b.txt'] }] }),
      runInit({ config: { scope: { allowlist: ['src/**'] } } }));
    expect(j.s.stop_reason).toBe('plan_scope_violation');
    expect(j.s.feedback.guard_violation_files).toEqual(['secrets/a.txt', 'secrets/b.txt']);
    expect(j.s.queue.resume_effect).toMatchObject({ kind: 'worker', phase: 'PLAN', followup: 0 });
  });

  it.each([
    [['one'], 'the plan (1 milestone)'],
    [['one', 'two'], 'the plan (2 milestones)'],
  ])('with a plan approval gate, waits for approval of %j: "%s …"', (goals, start) => {
    const j = atImplement(R.plan(...goals), runInit({ config: { approvals: ['plan'] } }));
    expect(j.s.stop_reason).toBe('awaiting_approval');
    expect(j.s.approval_gate).toBe('plan');
    expect(j.s.stop_detail).toBe(`${start} waits for approval: ${approvalChoices(j.s.run_id)}`);
    expect(j.s.queue.resume_effect).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', milestone_index: 0, attempt: 1, followup: 0 });
    expect(j.s.queue.pending.map((e) => e.kind)).toEqual(['finalize']);
  });
});

describe('the implementer reports it could not do the milestone', () => {
  it.each([
    [{ status: 'blocked', summary: 'tried', blocked_reason: 'the API key is missing' }, 'the API key is missing'],
    [{ status: 'failed', summary: 'gave up on the parser' }, 'gave up on the parser'],
    [{ status: 'failed' }, 'the implementer reported "failed"'],
  ])('%j stops with implement_blocked: "%s", and resume is the next attempt', (answer, note) => {
    const j = atImplement();
    j.perform(implementWith(answer));
    expect(j.s.stop_reason).toBe('implement_blocked');
    expect(j.s.stop_detail).toBe(note);
    expect(j.s.feedback.implement_note).toBe(note);
    expect(j.s.queue.resume_effect).toMatchObject({ phase: 'IMPLEMENT', attempt: 2, followup: 0 });
  });
});

describe('the implementer is done', () => {
  it('its summary is the note for what comes next, and a blank no_change_reason counts as none', () => {
    const j = atImplement();
    j.perform(implementWith({ status: 'ok', summary: 'added the parser', no_change_reason: '   ' }));
    expect(j.head).toMatchObject({ kind: 'guard', after: 'IMPLEMENT' });
    expect(j.s.feedback.implement_note).toBe('added the parser');
    expect(j.s.feedback.no_change_reason).toBeNull();
  });

  it('without a summary there is no note; a no_change_reason is kept trimmed', () => {
    const j = atImplement();
    j.perform(implementWith({ status: 'ok', no_change_reason: '  already done  ' }));
    expect(j.s.feedback.implement_note).toBeNull();
    expect(j.s.feedback.no_change_reason).toBe('already done');
  });

  it('a failed verification asks for attempt 2 and counts it', () => {
    const j = atImplement();
    j.drive((e) => (e.kind === 'verify' ? R.verifyFail() : undefined), (x) => x.head.kind === 'worker' && x.head.attempt === 2);
    expect(j.s.loop.implement_attempt).toBe(2);
  });
});

describe('failures the CLI reported about the implementer\'s actions', () => {
  it('add up over the follow-ups of one attempt, and the next attempt starts afresh', () => {
    const j = atImplement();
    j.perform({ kind: 'worker', outcome: 'no_result', exit_code: 0, action_failures: ['edit a.ts failed'] });
    expect(j.s.feedback.action_failures).toEqual(['edit a.ts failed']);
    j.perform(implementWith({ status: 'ok', summary: 'ok' }, { action_failures: ['npm test refused'] }));
    expect(j.s.feedback.action_failures).toEqual(['edit a.ts failed', 'npm test refused']);
    j.perform(guardEmpty());
    j.perform(implementWith({ status: 'ok', summary: 'ok' }, { action_failures: ['rm x refused'] }));
    expect(j.s.feedback.action_failures).toEqual(['rm x refused']);
    expect(j.s.milestones[0]!.action_failures).toEqual(['attempt 1: edit a.ts failed', 'attempt 1: npm test refused', 'attempt 2: rm x refused']);
  });

  it('a follow-up after an answer that reported none tells only its own', () => {
    const j = atImplement();
    j.perform({ kind: 'worker', outcome: 'no_result', exit_code: 0 });
    expect(j.s.feedback.action_failures).toBeNull();
    j.perform(implementWith({ status: 'ok', summary: 'ok' }, { action_failures: ['npm test refused'] }));
    expect(j.s.feedback.action_failures).toEqual(['npm test refused']);
  });

  it('the milestone keeps only the latest 30', () => {
    const j = atImplement();
    const many = Array.from({ length: 32 }, (_, i) => `failure ${i + 1}`);
    j.perform(implementWith({ status: 'ok', summary: 'ok' }, { action_failures: many }));
    const kept = j.s.milestones[0]!.action_failures!;
    expect(kept).toHaveLength(30);
    expect(kept[0]).toBe('attempt 1: failure 3');
    expect(kept.at(-1)).toBe('attempt 1: failure 32');
    expect(j.s.feedback.action_failures).toHaveLength(32);
  });
});

describe('an implementer that changed no file and gave no reason', () => {
  it('four times in a row: repeated_failure names the files the milestone expected', () => {
    const j = atImplement(R.worker({ milestones: [{ goal: 'one', files_expected: ['src/a.ts', 'src/b.ts'] }] }));
    j.drive((e) => (e.kind === 'guard' ? guardEmpty() : undefined));
    expect(j.s.stop_reason).toBe('repeated_failure');
    expect(j.s.stop_detail).toBe('the implementer changed no file 4 times in a row and gave no no_change_reason (files expected: src/a.ts, src/b.ts)');
  });

  it('the last attempt is known to have changed nothing until an attempt changes files', () => {
    const j = atImplement();
    expect(lastAttemptChangedNothing(j.s)).toBe(false);
    j.perform(R.implement());
    j.perform(guardEmpty());
    expect(lastAttemptChangedNothing(j.s)).toBe(true);
    j.perform(R.implement());
    j.perform(R.guard());
    j.perform(R.verifyFail());
    expect(lastAttemptChangedNothing(j.s)).toBe(false);
  });

  it('the failure history keeps the last 10 failures, however long the attempts alternate', () => {
    const j = atImplement(R.plan('one'), runInit({ config: { limits: { max_verify_retries: 50 } } }));
    let n = 0;
    const failing = (): EffectResult => {
      const f = R.verifyFail();
      if (f.kind !== 'verify' || !f.failure) throw new Error('fixture');
      n++;
      return { ...f, failure: { ...f.failure, command: `check-${'x'.repeat(n)}` } };
    };
    for (let i = 0; i < 6; i++) {
      j.perform(R.implement());
      j.perform(guardEmpty());
      j.perform(R.implement());
      j.perform(R.guard());
      j.perform(failing());
    }
    expect(j.s.phase).not.toBe('STOPPED');
    expect(j.s.loop.failure_signatures).toHaveLength(10);
    expect(j.s.loop.failure_signatures.at(-1)).toContain(`check-${'x'.repeat(6)}`);
    j.perform(R.implement());
    j.perform(guardEmpty());
    expect(j.s.loop.failure_signatures).toHaveLength(10);
    expect(j.s.loop.failure_signatures.at(-1)).toBe('IMPLEMENT | no file changed');
  });
});
