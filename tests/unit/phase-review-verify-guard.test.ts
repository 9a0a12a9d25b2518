// REVIEW, VERIFY and the scope guard's results as the machine takes them
// (src/engine/phases/review.ts, verify.ts, guard.ts).
import { describe, expect, it } from 'vitest';
import type { EffectResult, VerificationFailure } from '../../src/contracts/effects.js';
import { approvalChoices } from '../../src/contracts/next-step.js';
import { Journal, R, runInit } from './machine-fixtures.js';

type Init = Parameters<typeof runInit>[0];

/** A journal whose next effect is the first REVIEW of m1. */
function atReview(init: Init = {}): Journal {
  return new Journal(runInit(init)).drive(undefined, (j) => j.head.kind === 'worker' && j.head.phase === 'REVIEW');
}

/** A journal whose next effect is the first verification of m1. */
function atVerify(init: Init = {}): Journal {
  return new Journal(runInit(init)).drive(undefined, (j) => j.head.kind === 'verify');
}

/** Answers a review with changes, then runs the fix through to the next review. */
function requestChanges(j: Journal, comments: string[] | undefined): void {
  j.perform(R.worker({ verdict: 'request_changes', ...(comments ? { comments } : {}) }));
  if (j.s.phase !== 'STOPPED') j.drive(undefined, (x) => x.head.kind === 'worker' && x.head.phase === 'REVIEW');
}

const failure = (patch: Partial<VerificationFailure> = {}): VerificationFailure =>
  ({ tier: 'tier2', command: 'node check.js', exit_code: 1, timed_out: false, excerpt: 'boom', log_path: '/log', ...patch });
const verifyFailed = (f: VerificationFailure | null): EffectResult =>
  ({ kind: 'verify', ok: false, duration_ms: 5, commands: [], ...(f ? { failure: f } : {}) });

describe('the review', () => {
  it('approved, with a checkpoint approval gate: waits for approval naming the milestone', () => {
    const j = atReview({ config: { approvals: ['checkpoint'] } });
    j.perform(R.approve());
    expect(j.s.stop_reason).toBe('awaiting_approval');
    expect(j.s.stop_detail).toBe(`milestone m1 is verified and reviewed; its checkpoint waits for approval: ${approvalChoices(j.s.run_id)}`);
    expect(j.s.queue.resume_effect).toMatchObject({ kind: 'checkpoint', milestone_index: 0 });
  });

  it('changes requested without comments: the fix is told an empty list', () => {
    const j = atReview();
    j.perform(R.worker({ verdict: 'request_changes' }));
    expect(j.s.feedback.review_comments).toEqual([]);
    expect(j.head).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', attempt: 2 });
  });

  it('the same changes twice in a row, however cased, spaced or ordered: review_loop_detected', () => {
    const j = atReview();
    requestChanges(j, ['Fix  the tests', 'Add docs', '']);
    requestChanges(j, ['add docs', '  fix the\ttests ']);
    expect(j.s.stop_reason).toBe('review_loop_detected');
    expect(j.s.stop_detail).toBe('the reviewer requested the same changes twice in a row: add docs |   fix the\ttests ');
    expect(j.s.queue.resume_effect).toMatchObject({ phase: 'REVIEW', followup: 0 });
  });

  it.each([
    [['a b'], ['ab']],
    [['ab', 'c'], ['a', 'bc']],
    [['Straße'], ['STRASSE']],
  ])('%j then %j are different changes, not a loop', (first, second) => {
    const j = atReview();
    requestChanges(j, first);
    requestChanges(j, second);
    expect(j.s.phase).not.toBe('STOPPED');
    expect(j.s.loop.review_rounds).toBe(2);
  });

  it('more change rounds than max_review_rounds: review_loop_detected, saying how many', () => {
    const j = atReview({ config: { limits: { max_review_rounds: 2 } } });
    requestChanges(j, ['one']);
    requestChanges(j, ['two']);
    expect(j.s.phase).not.toBe('STOPPED');
    requestChanges(j, ['three']);
    expect(j.s.stop_reason).toBe('review_loop_detected');
    expect(j.s.stop_detail).toBe('the reviewer requested changes 3 times, more than max_review_rounds (2)');
  });

  it('a reviewer that never gives a JSON verdict: worker_failed after the follow-ups, resumable with the review', () => {
    const j = atReview();
    for (let i = 0; i < 3; i++) j.perform({ kind: 'worker', outcome: 'no_result', exit_code: 0 });
    expect(j.s.stop_reason).toBe('worker_failed');
    expect(j.s.stop_detail).toBe('REVIEW worker: it ended without the required JSON result (after 2 follow-ups)');
    expect(j.s.queue.resume_effect).toMatchObject({ phase: 'REVIEW', attempt: 1, followup: 0 });
  });
});

describe('verification', () => {
  it('that ran out of the time budget stops with time_budget_exceeded; resume verifies again', () => {
    const j = atVerify();
    j.perform({ kind: 'verify', ok: false, duration_ms: 5, commands: [], time_budget: true });
    expect(j.s.stop_reason).toBe('time_budget_exceeded');
    expect(j.s.stop_detail).toBe('the time budget ran out during verification');
    expect(j.s.queue.resume_effect).toMatchObject({ kind: 'verify', milestone_index: 0, attempt: 1 });
  });

  it('a pass clears the failure the implementer was told about', () => {
    const j = atVerify();
    j.perform(R.verifyFail());
    expect(j.s.feedback.verification_failure).toMatchObject({ command: 'node check.js' });
    j.drive(undefined, (x) => x.head.kind === 'verify');
    j.perform(R.verifyOk());
    expect(j.s.feedback.verification_failure).toBeNull();
    expect(j.s.loop.failure_signatures).toEqual([]);
  });

  it('a command that is not installed stops with verification_command_missing, keeping the failure and saying what to do', () => {
    const j = atVerify();
    j.perform(verifyFailed(failure({ command: 'pytest -q', missing_program: 'pytest', exit_code: 127 })));
    expect(j.s.stop_reason).toBe('verification_command_missing');
    expect(j.s.stop_detail).toBe('pytest -q (verification.tier2): pytest is not installed or not on PATH');
    expect(j.s.stop_fix).toBe('Install pytest (verification.tier2 runs "pytest -q"), or change that command in /repo/.runr/runr.config.json and start a new run');
    expect(j.s.feedback.verification_failure).toMatchObject({ missing_program: 'pytest' });
    expect(j.s.queue.resume_effect).toMatchObject({ kind: 'verify', attempt: 1 });
  });

  it('failing without details: the fix is asked for, and at max_verify_retries the stop says how many times', () => {
    const j = atVerify({ config: { limits: { max_verify_retries: 2 } } });
    j.perform(verifyFailed(null));
    expect(j.head).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', attempt: 2 });
    j.drive(undefined, (x) => x.head.kind === 'verify');
    j.perform(verifyFailed(null));
    expect(j.s.stop_reason).toBe('verification_failed_max_retries');
    expect(j.s.stop_detail).toBe('verification failed 2 times');
  });

  it.each([
    [failure({ exit_code: 2 }), 'node check.js exited with 2 (1 failed attempts)'],
    [failure({ timed_out: true, exit_code: null }), 'node check.js timed out (1 failed attempts)'],
  ])('at max_verify_retries the stop names the failing command: %#', (f, detail) => {
    const j = atVerify({ config: { limits: { max_verify_retries: 1 } } });
    j.perform(verifyFailed(f));
    expect(j.s.stop_reason).toBe('verification_failed_max_retries');
    expect(j.s.stop_detail).toBe(detail);
    expect(j.s.queue.resume_effect).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', attempt: 2 });
  });

  it('the same failure four times in a row after a different one: repeated_failure names the repeated one', () => {
    const j = atVerify({ config: { limits: { max_verify_retries: 10 } } });
    j.perform(verifyFailed(failure({ command: 'node first.js' })));
    j.drive(undefined, (x) => x.head.kind === 'verify');
    j.perform(verifyFailed(failure({ command: 'node first.js' })));
    for (let i = 0; i < 4 && j.s.phase !== 'STOPPED'; i++) {
      j.drive(undefined, (x) => x.head.kind === 'verify');
      j.perform(verifyFailed(failure({ command: 'node again.js' })));
    }
    expect(j.s.stop_reason).toBe('repeated_failure');
    expect(j.s.stop_detail).toBe('the same failure 4 times in a row, changes of strategy included: VERIFY | node again.js | boom');
  });
});

describe('the scope guard', () => {
  it('names each violating file once for the next attempt, and forgets them once the guard passes', () => {
    const j = new Journal().drive(undefined, (x) => x.head.kind === 'guard');
    j.perform({ kind: 'guard', ok: false, changed: 3, violations: [
      { path: '.env', rule: 'denylist' }, { path: '.env', rule: 'secret', line: 1, shape: 'AWS key' }, { path: 'x.pem', rule: 'denylist' },
    ] });
    expect(j.s.stop_reason).toBe('guard_violation');
    expect(j.s.feedback.guard_violation_files).toEqual(['.env', 'x.pem']);
    j.resume();
    j.drive(undefined, (x) => x.head.kind === 'guard');
    j.perform(R.guard());
    expect(j.s.feedback.guard_violation_files).toBeNull();
  });

  it('keeps the verified tree only from the guard after verification', () => {
    const j = new Journal().drive(undefined, (x) => x.head.kind === 'guard');
    j.perform({ kind: 'guard', ok: true, violations: [], changed: 1, tree: 't'.repeat(40) });
    expect(j.s.verified_tree).toBeNull();
    j.perform(R.verifyOk());
    j.perform({ kind: 'guard', ok: true, violations: [], changed: 1, tree: 'v'.repeat(40) });
    expect(j.s.verified_tree).toBe('v'.repeat(40));
  });
});
