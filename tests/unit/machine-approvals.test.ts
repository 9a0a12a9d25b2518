import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/contracts/effects.js';
import { Journal, nameOf, R, runInit } from './machine-fixtures.js';

// Approval gates (docs/config.md#approvals, docs/commands.md `runr approve` / `runr reject`): the run stops with
// awaiting_approval; `approve` goes on with the gated work, `reject --reason` sends the reason back to the planner
// (a new plan) or to the implementer (as review comments).

type Verdict = { verdict: 'approve' | 'reject'; reason?: string };

const isWorker = (e: Effect, phase: string) => e.kind === 'worker' && e.phase === phase;
const gated = (gate: 'plan' | 'checkpoint') => new Journal(runInit({ config: { approvals: [gate] } }));
const stopped = (j: Journal) => j.s.phase === 'STOPPED';

function decide(j: Journal, approval: Verdict) {
  j.now += 1000;
  return j.push({ type: 'run_resumed', pid: 1, force: false, overrides: {}, approval });
}

describe('the plan gate', () => {
  it('stops after a plan that passed its checks, before any implementation, with the first IMPLEMENT to go on with', () => {
    const j = gated('plan').drive();
    expect(j.log).toEqual(['prepare_workspace', 'PLAN', 'finalize']);
    expect(j.s).toMatchObject({ phase: 'STOPPED', stop_reason: 'awaiting_approval', approval_gate: 'plan', finalized: true });
    expect(j.s.stop_detail).toContain('the plan (2 milestones) waits for approval');
    expect(nameOf(j.s.queue.resume_effect!)).toBe('IMPLEMENT m1 a1');
    expect(j.s.milestones.map((m) => m.goal)).toEqual(['one', 'two']);
  });

  it('approve: the workspace is prepared, then the plan is implemented as planned', () => {
    const j = gated('plan').drive();
    const out = decide(j, { verdict: 'approve' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'IMPLEMENT m1 a1']);
    expect(out.effects.map(nameOf)).toEqual(['prepare_workspace']);
    expect(j.s).toMatchObject({ phase: 'IMPLEMENT', stop_reason: null, approval_gate: null, feedback: { review_comments: null } });
    expect(j.s.milestones.map((m) => m.goal)).toEqual(['one', 'two']);
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
  });

  it('reject: the planner plans again, told why; the old plan is gone and the new one waits for approval too', () => {
    const j = gated('plan').drive();
    decide(j, { verdict: 'reject', reason: 'too big' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'PLAN']);
    expect(j.s.queue.pending[1]).toMatchObject({ kind: 'worker', phase: 'PLAN', milestone_index: 0, attempt: 1, followup: 0 });
    expect(j.s).toMatchObject({ phase: 'PLAN', stop_reason: null, approval_gate: null, milestones: [] });
    expect(j.s.feedback.review_comments).toEqual(['The operator rejected the plan: too big']);
    expect(new Set(j.s.queue.pending.map((e) => e.id)).size).toBe(2);

    j.drive((e) => (isWorker(e, 'PLAN') ? R.plan('smaller') : undefined));
    expect(j.log).toEqual(['prepare_workspace', 'PLAN', 'finalize', 'prepare_workspace', 'PLAN', 'finalize']);
    expect(j.s).toMatchObject({ stop_reason: 'awaiting_approval', approval_gate: 'plan' });
    expect(j.s.milestones.map((m) => m.goal)).toEqual(['smaller']);
  });

  it('reject without a reason still tells the planner it was rejected', () => {
    const j = gated('plan').drive();
    decide(j, { verdict: 'reject' });
    expect(j.s.feedback.review_comments).toEqual(['The operator rejected the plan: rejected']);
  });
});

describe('the checkpoint gate', () => {
  const atSecondGate = () => {
    const j = gated('checkpoint').drive();
    decide(j, { verdict: 'approve' });
    return j.drive();
  };

  it('stops after REVIEW approved a milestone, before its commit', () => {
    const j = gated('checkpoint').drive();
    expect(j.log).toEqual(['prepare_workspace', 'PLAN', 'IMPLEMENT m1 a1', 'guard(IMPLEMENT) m1', 'verify m1 a1', 'guard(VERIFY) m1', 'REVIEW m1 a1', 'finalize']);
    expect(j.s).toMatchObject({ stop_reason: 'awaiting_approval', approval_gate: 'checkpoint' });
    expect(j.s.stop_detail).toContain('milestone m1 is verified and reviewed');
    expect(nameOf(j.s.queue.resume_effect!)).toBe('checkpoint m1');
  });

  it('approve: the checkpoint is committed and the next milestone starts (and waits at its own gate)', () => {
    const j = gated('checkpoint').drive();
    decide(j, { verdict: 'approve' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'checkpoint m1']);
    expect(j.s).toMatchObject({ phase: 'CHECKPOINT', approval_gate: null });
    j.drive();
    expect(j.s).toMatchObject({ stop_reason: 'awaiting_approval', approval_gate: 'checkpoint', milestone_index: 1 });
    expect(nameOf(j.s.queue.resume_effect!)).toBe('checkpoint m2');
    expect(j.s.milestones.map((m) => m.status)).toEqual(['complete', 'in_progress']);
  });

  it('reject: the implementer makes another attempt at the same milestone with the reason as review comments', () => {
    const j = atSecondGate();
    decide(j, { verdict: 'reject', reason: 'needs tests' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'IMPLEMENT m2 a2']);
    expect(j.s.queue.pending[1]).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', milestone_index: 1, attempt: 2, followup: 0 });
    expect(j.s).toMatchObject({ phase: 'IMPLEMENT', milestone_index: 1, approval_gate: null });
    expect(j.s.feedback.review_comments).toEqual(['The operator rejected the change: needs tests']);
    expect(j.s.milestones.map((m) => m.goal)).toEqual(['one', 'two']); // the plan stays

    // The fix is guarded, verified, reviewed, and waits at the gate again.
    j.drive();
    expect(j.log.slice(-7)).toEqual(['prepare_workspace', 'IMPLEMENT m2 a2', 'guard(IMPLEMENT) m2', 'verify m2 a1', 'guard(VERIFY) m2', 'REVIEW m2 a1', 'finalize']);
    expect(j.s).toMatchObject({ stop_reason: 'awaiting_approval', approval_gate: 'checkpoint' });

    // Rejected again: the attempt count goes on from the attempt that ran.
    decide(j, { verdict: 'reject', reason: 'still no tests' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'IMPLEMENT m2 a3']);
    expect(j.s.feedback.review_comments).toEqual(['The operator rejected the change: still no tests']);
  });

  it('reject after a verification failure: the next attempt follows the last implementer attempt, not the review round', () => {
    let fails = 1;
    const j = gated('checkpoint').drive((e) => (e.kind === 'verify' && fails-- > 0 ? R.verifyFail() : undefined));
    expect(j.log).toContain('IMPLEMENT m1 a2');
    expect(j.log).toContain('REVIEW m1 a1');
    decide(j, { verdict: 'reject', reason: 'no' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'IMPLEMENT m1 a3']);
  });
});

describe('a verdict only decides a run that awaits approval', () => {
  it('a reject journaled for a run stopped for another reason resumes it as a plain resume', () => {
    const j = new Journal().drive((e) => (isWorker(e, 'IMPLEMENT') ? R.implement('blocked') : undefined));
    expect(j.s.stop_reason).toBe('implement_blocked');
    const plan = j.s.milestones;
    decide(j, { verdict: 'reject', reason: 'no' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'IMPLEMENT m1 a2']);
    expect(j.s.milestones).toEqual(plan);
    expect(j.s.feedback.review_comments).toBeNull();
  });

  it('a resume without a verdict of an awaiting run goes on with the gated work (the CLI refuses it before it is journaled)', () => {
    const j = gated('plan').drive();
    j.resume();
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'IMPLEMENT m1 a1']);
    expect(j.s.approval_gate).toBeNull();
  });

  it('a reject journaled while the run is not stopped changes nothing but the session', () => {
    const j = new Journal(runInit({ config: { approvals: ['plan'] } }));
    j.perform(R.prepare());
    j.start();
    decide(j, { verdict: 'reject', reason: 'no' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'PLAN']);
    expect(j.s.feedback.review_comments).toBeNull();
    expect(stopped(j)).toBe(false);
  });
});
