import { describe, expect, it } from 'vitest';
import type { Effect, EffectResult } from '../../src/contracts/effects.js';
import { Journal, nameOf, R, runInit } from './machine-fixtures.js';

// Limits (--time, --budget-usd) at their edges, and a worker that tampered with what it must not touch.

const isImplement = (e: Effect) => e.kind === 'worker' && e.phase === 'IMPLEMENT';

describe('--budget-usd', () => {
  it('a cost exactly at the budget stops before the next worker call', () => {
    const j = new Journal(runInit({ options: { budget_usd: 0.05 } }));
    j.drive((e) => (isImplement(e) ? R.implement('ok', { cost_usd: 0.05 }) : undefined));
    expect(j.s.stop_reason).toBe('budget_exceeded');
    expect(j.s.stop_detail).toBe('reported cost $0.0500 reached the budget of $0.05');
    expect(nameOf(j.s.queue.resume_effect!)).toBe('REVIEW m1 a1');
  });
});

describe('--time', () => {
  it('a run that stops for its own reason after the deadline keeps that reason (and what resuming it does)', () => {
    const j = new Journal(runInit({ options: { time_budget_min: 1 } }));
    j.perform(R.prepare());
    j.perform(R.plan('one'));
    j.perform(R.implement('blocked'), 120_000);
    expect(j.s).toMatchObject({ phase: 'STOPPED', stop_reason: 'implement_blocked' });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['finalize']);
    expect(nameOf(j.s.queue.resume_effect!)).toBe('IMPLEMENT m1 a2');
  });

  it('never stops a run at a quota wait: the wait runs, and the stop comes before the call it waited for', () => {
    const j = new Journal(runInit({ options: { time_budget_min: 1 } }));
    j.drive((e) => (isImplement(e) ? R.worker({ status: 'rate_limited', retry_after_s: 30 }) : undefined), (x) => x.head.kind === 'wait_until');
    j.start(); // the executor dies during the wait
    j.resume();
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'wait_until', 'IMPLEMENT m1 a1']);
    j.perform(R.prepare(), 61_000); // past the new session's deadline
    expect(j.s.phase).not.toBe('STOPPED');
    expect(nameOf(j.head)).toBe('wait_until');
    j.perform({ kind: 'wait_until' });
    expect(j.s.stop_reason).toBe('time_budget_exceeded');
    expect(nameOf(j.s.queue.resume_effect!)).toBe('IMPLEMENT m1 a1');
  });
});

describe('worker_tampered', () => {
  const tamperedAt = (match: (e: Effect) => boolean, result: EffectResult) =>
    new Journal().drive((e) => (match(e) ? result : undefined), (x) => x.s.phase === 'STOPPED');

  it('by the implementer: nothing is committed, the stop names the call and what changed, a resume performs the call again', () => {
    const j = tamperedAt(isImplement, R.implement('ok'));
    expect(j.s.stop_reason).toBe('complete'); // the same answer untampered
    const k = tamperedAt(isImplement, { ...R.implement('ok'), tampered: ['.git/config', '.runr/runr.config.json'] } as EffectResult);
    expect(k.s.stop_reason).toBe('worker_tampered');
    expect(k.s.stop_detail).toBe('nothing was committed; changed during the IMPLEMENT worker call: .git/config; .runr/runr.config.json');
    expect(nameOf(k.s.queue.resume_effect!)).toBe('IMPLEMENT m1 a1');
    expect(k.log).not.toContain('guard(IMPLEMENT) m1');
  });

  it('by verification (which runs the worker\'s code)', () => {
    const j = tamperedAt((e) => e.kind === 'verify', { ...R.verifyOk(), tampered: ['.git/hooks/pre-commit'] } as EffectResult);
    expect(j.s.stop_reason).toBe('worker_tampered');
    expect(j.s.stop_detail).toBe('nothing was committed; changed during verification (which runs the worker\'s code): .git/hooks/pre-commit');
    expect(nameOf(j.s.queue.resume_effect!)).toBe('verify m1 a1');
  });
});
