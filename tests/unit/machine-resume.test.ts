import { describe, expect, it } from 'vitest';
import type { Effect, EffectResult } from '../../src/contracts/effects.js';
import type { RunOptions } from '../../src/contracts/state.js';
import { phaseOf } from '../../src/engine/state-ops.js';
import { Journal, nameOf, R, runInit, T0 } from './machine-fixtures.js';

const isWorker = (e: Effect, phase: string, m = 0) => e.kind === 'worker' && e.phase === phase && e.milestone_index === m;

interface Case {
  reason: string;
  why: string;
  options?: Partial<RunOptions>;
  config?: Record<string, unknown>;
  answer: (e: Effect) => EffectResult | undefined;
  resumes: string;
  overrides?: { budget_usd?: number; max_ticks?: number; time_budget_min?: number };
}

const cases: Case[] = [
  { reason: 'implement_blocked', why: 'implementer blocked', answer: (e) => (isWorker(e, 'IMPLEMENT') ? R.implement('blocked') : undefined), resumes: 'IMPLEMENT m1 a2' },
  { reason: 'worker_failed', why: 'implementer crashed', answer: (e) => (isWorker(e, 'IMPLEMENT') ? R.crashed() : undefined), resumes: 'IMPLEMENT m1 a1' },
  { reason: 'worker_failed', why: 'reviewer crashed', answer: (e) => (isWorker(e, 'REVIEW') ? R.crashed() : undefined), resumes: 'REVIEW m1 a1' },
  { reason: 'stalled_timeout', why: 'implementer stalled', answer: (e) => (isWorker(e, 'IMPLEMENT') ? { kind: 'worker', outcome: 'stalled' } : undefined), resumes: 'IMPLEMENT m1 a1' },
  { reason: 'time_budget_exceeded', why: 'worker hit the deadline', answer: (e) => (isWorker(e, 'REVIEW') ? { kind: 'worker', outcome: 'time_budget' } : undefined), resumes: 'REVIEW m1 a1' },
  { reason: 'worker_missing', why: 'reviewer not installed', answer: (e) => (isWorker(e, 'REVIEW') ? { kind: 'worker', outcome: 'missing' } : undefined), resumes: 'REVIEW m1 a1' },
  { reason: 'quota_wait', why: 'rate limited past the budget', answer: (e) => (isWorker(e, 'IMPLEMENT') ? R.worker({ status: 'rate_limited', retry_after_s: 999_999 }) : undefined), resumes: 'IMPLEMENT m1 a1' },
  { reason: 'verification_failed_max_retries', why: 'verification kept failing', answer: (e) => (e.kind === 'verify' ? R.verifyFail() : undefined), resumes: 'IMPLEMENT m1 a4' },
  { reason: 'guard_violation', why: 'after IMPLEMENT', answer: (e) => (e.kind === 'guard' && e.after === 'IMPLEMENT' ? R.guard('.env') : undefined), resumes: 'guard(IMPLEMENT) m1' },
  { reason: 'guard_violation', why: 'after VERIFY', answer: (e) => (e.kind === 'guard' && e.after === 'VERIFY' ? R.guard('dist/x') : undefined), resumes: 'guard(VERIFY) m1' },
  { reason: 'review_loop_detected', why: 'same changes twice', answer: (e) => (isWorker(e, 'REVIEW') ? R.changes('same') : undefined), resumes: 'REVIEW m1 a2' },
  { reason: 'plan_rejection', why: 'empty plans', answer: (e) => (isWorker(e, 'PLAN') ? R.worker({ milestones: [] }) : undefined), resumes: 'PLAN' },
  { reason: 'plan_scope_violation', why: 'the plan touches .env', answer: (e) => (isWorker(e, 'PLAN') ? R.worker({ milestones: [{ goal: 'x', files_expected: ['.env'] }] }) : undefined), resumes: 'PLAN' },
  { reason: 'branch_mismatch', why: 'at the checkpoint', answer: (e) => (e.kind === 'checkpoint' ? R.checkpointMismatch() : undefined), resumes: 'checkpoint m1' },
  { reason: 'branch_mismatch', why: 'at the first prepare_workspace', answer: (e) => (e.kind === 'prepare_workspace' ? R.prepareMismatch() : undefined), resumes: 'PLAN' },
  { reason: 'budget_exceeded', why: 'the plan cost too much', options: { budget_usd: 0.01 }, answer: (e) => (isWorker(e, 'PLAN') ? R.worker({ milestones: [{ goal: 'one' }, { goal: 'two' }], usage: { cost_usd: 0.02 } }) : undefined), resumes: 'IMPLEMENT m1 a1', overrides: { budget_usd: 1 } },
  { reason: 'max_ticks_reached', why: '--max-ticks 3', options: { max_ticks: 3 }, answer: () => undefined, resumes: 'verify m1 a1', overrides: { max_ticks: 100 } },
];

describe('run_resumed after each stop reason', () => {
  it.each(cases)('$reason ($why): prepare_workspace, then $resumes', ({ reason, options, config, answer, resumes, overrides }) => {
    const j = new Journal(runInit({ options, config })).drive(answer);
    expect(j.s).toMatchObject({ phase: 'STOPPED', stop_reason: reason, finalized: true, queue: { pending: [] } });
    expect(nameOf(j.s.queue.resume_effect!)).toBe(resumes);

    const out = j.resume(overrides);
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', resumes]);
    expect(out.effects.map(nameOf)).toEqual(['prepare_workspace']);
    expect(j.s).toMatchObject({
      stop_reason: null, stop_detail: null, ended_at: null, finalized: false,
      queue: { resume_effect: null, waiting: null, in_flight: null },
      feedback: { guard_violation_files: null }, session: { number: 2, ticks: 0 },
    });
    expect(j.s.phase).toBe(phaseOf(j.s.queue.pending[1]!));
    expect(new Set(j.s.queue.pending.map((e) => e.id)).size).toBe(2);

    // The next session, with everything going right, completes the run.
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
    expect(j.s.milestones.every((m) => m.status === 'complete')).toBe(true);
  });

  it('verification_failed_max_retries and review_loop_detected start their counters afresh', () => {
    const v = new Journal().drive((e) => (e.kind === 'verify' ? R.verifyFail() : undefined));
    v.resume();
    expect(v.s.loop.verification_failures).toBe(0);
    const r = new Journal().drive((e) => (isWorker(e, 'REVIEW') ? R.changes('same') : undefined));
    r.resume();
    expect(r.s).toMatchObject({ loop: { review_rounds: 0 }, feedback: { review_comments: null } });
  });

  it('after a crash with an effect in flight: the same effect (same id) again, after prepare_workspace', () => {
    const j = new Journal().drive(undefined, (x) => isWorker(x.head, 'REVIEW'));
    const review = j.head;
    j.start();
    expect(j.s.queue.in_flight).toBe(review.id);
    j.resume();
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'REVIEW m1 a1']);
    expect(j.s.queue.pending[1]).toEqual(review);
    expect(j.s).toMatchObject({ queue: { in_flight: null }, phase: 'REVIEW', session: { number: 2 } });
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
    expect(j.log.filter((n) => n.startsWith('REVIEW m1'))).toEqual(['REVIEW m1 a1']);
  });

  it('after a crash inside prepare_workspace: both prepares run, then the work', () => {
    const j = new Journal();
    j.start();
    j.resume();
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'prepare_workspace', 'PLAN']);
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
  });

  it('a branch mismatch found by the prepare of a resume keeps the work that was in flight for the next resume', () => {
    const j = new Journal().drive(undefined, (x) => isWorker(x.head, 'REVIEW'));
    j.start();
    j.resume();
    j.perform(R.prepareMismatch());
    expect(j.s.queue.pending.map(nameOf)).toEqual(['finalize']);
    j.drive();
    expect(j.s.stop_reason).toBe('branch_mismatch');
    expect(nameOf(j.s.queue.resume_effect!)).toBe('REVIEW m1 a1');
    j.push({ type: 'run_resumed', pid: 1, force: true, overrides: {} });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'REVIEW m1 a1']);
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
  });
});

describe('limits, from event timestamps only', () => {
  it('--time: a result at the deadline stops before the next effect; a millisecond earlier does not', () => {
    const j = new Journal(runInit({ options: { time_budget_min: 1 } }));
    j.perform(R.prepare(), 1_000);
    j.perform(R.plan('one'), 58_999); // at T0 + 59.999 s
    expect(j.s.phase).toBe('IMPLEMENT');
    j.perform(R.implement(), 1); // at T0 + 60 s
    expect(j.s).toMatchObject({ phase: 'STOPPED', stop_reason: 'time_budget_exceeded' });
    expect(nameOf(j.s.queue.resume_effect!)).toBe('guard(IMPLEMENT) m1');
    j.drive();
    // A resume opens a new session with a fresh budget, counted from its own timestamp.
    j.resume({}, 3_600_000);
    expect(Date.parse(j.s.session.started_at)).toBe(T0 + 60_000 + 3_600_000 + 1000 * 1);
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
  });

  it('a quota wait parks the run and retries the same call; a wait that would overrun the time budget stops with quota_wait', () => {
    const j = new Journal(runInit({ options: { time_budget_min: 10 } }));
    let limited = 1;
    j.drive((e) => (isWorker(e, 'IMPLEMENT') && limited-- > 0 ? R.worker({ status: 'rate_limited', retry_after_s: 120 }) : undefined),
      (x) => x.head.kind === 'wait_until');
    expect(j.s.queue.pending.map(nameOf)).toEqual(['wait_until', 'IMPLEMENT m1 a1']);
    expect(j.s.queue.waiting).toMatchObject({ reason: 'quota_wait', retry_at: j.s.queue.retry_at });
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
    expect(j.log.filter((n) => n.startsWith('IMPLEMENT m1'))).toEqual(['IMPLEMENT m1 a1', 'IMPLEMENT m1 a1']);

    const k = new Journal(runInit({ options: { time_budget_min: 10 } }));
    k.drive((e) => (isWorker(e, 'IMPLEMENT') ? R.worker({ status: 'rate_limited', retry_after_s: 3600 }) : undefined));
    expect(k.s.stop_reason).toBe('quota_wait');
    expect(Date.parse(k.s.queue.retry_at!)).toBeGreaterThan(Date.parse(k.s.session.started_at) + 10 * 60_000);
  });

  it('--max-ticks counts worker calls, guards, verifications and commits of the session, not prepare or finalize', () => {
    const j = new Journal(runInit({ options: { max_ticks: 3 } })).drive();
    expect(j.log).toEqual(['prepare_workspace', 'PLAN', 'IMPLEMENT m1 a1', 'guard(IMPLEMENT) m1', 'finalize']);
    expect(j.s).toMatchObject({ stop_reason: 'max_ticks_reached', stats: { ticks: 3 }, session: { ticks: 3 } });
    j.resume(); // same limit, new session: three more steps
    j.drive();
    expect(j.s).toMatchObject({ stop_reason: 'max_ticks_reached', stats: { ticks: 6 }, session: { ticks: 3 } });
    expect(nameOf(j.s.queue.resume_effect!)).toBe('checkpoint m1'); // verify, guard, REVIEW were this session's three
  });

  it('--budget-usd is checked only before a worker call', () => {
    const j = new Journal(runInit({ options: { budget_usd: 0.05 } }));
    j.drive((e) => (isWorker(e, 'IMPLEMENT') ? R.implement('ok', { cost_usd: 0.06 }) : undefined));
    expect(j.log).toEqual(['prepare_workspace', 'PLAN', 'IMPLEMENT m1 a1', 'guard(IMPLEMENT) m1', 'verify m1 a1', 'guard(VERIFY) m1', 'finalize']);
    expect(j.s.stop_reason).toBe('budget_exceeded');
    expect(j.s.stats.usage.total.cost_usd).toBeCloseTo(0.06);
    expect(nameOf(j.s.queue.resume_effect!)).toBe('REVIEW m1 a1');
  });
});
