import { describe, expect, it } from 'vitest';
import type { Effect, EffectResult } from '../../src/contracts/effects.js';
import { Journal, nameOf, R, runInit } from './machine-fixtures.js';

// What a resume keeps, and what the first steps of the resumed session go on with.

const isWorker = (e: Effect, phase: string) => e.kind === 'worker' && e.phase === phase;

describe('a resume keeps what the stop did not make stale', () => {
  it('the reviewer\'s comments and the review round survive a stop for another reason', () => {
    let reviews = 0;
    const j = new Journal().drive((e) => {
      if (isWorker(e, 'REVIEW') && reviews++ === 0) return R.changes('add a test');
      if (e.kind === 'worker' && e.phase === 'IMPLEMENT' && e.attempt === 2) return R.implement('blocked');
      return undefined;
    });
    expect(j.s).toMatchObject({ stop_reason: 'implement_blocked', loop: { review_rounds: 1 }, feedback: { review_comments: ['add a test'] } });
    j.resume();
    expect(j.s).toMatchObject({ loop: { review_rounds: 1 }, feedback: { review_comments: ['add a test'] } });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'IMPLEMENT m1 a3']);
  });

  it('the count of verification failures survives a stop for another reason', () => {
    const j = new Journal().drive((e) => {
      if (e.kind === 'verify' && e.attempt === 1) return R.verifyFail();
      if (e.kind === 'worker' && e.phase === 'IMPLEMENT' && e.attempt === 2) return R.implement('blocked');
      return undefined;
    });
    expect(j.s).toMatchObject({ stop_reason: 'implement_blocked', loop: { verification_failures: 1 } });
    j.resume();
    expect(j.s.loop.verification_failures).toBe(1);
  });
});

describe('the resumed session', () => {
  it('numbers the next implementer attempt after the one it resumed with', () => {
    const j = new Journal().drive((e) => (e.kind === 'verify' ? R.verifyFail() : undefined));
    expect(nameOf(j.s.queue.resume_effect!)).toBe('IMPLEMENT m1 a4');
    j.resume();
    const otherFailure = R.verifyFail() as Extract<EffectResult, { kind: 'verify' }>;
    let fails = 1;
    j.drive((e) => (e.kind === 'verify' && fails-- > 0 ? { ...otherFailure, failure: { ...otherFailure.failure!, excerpt: 'another failure' } } : undefined));
    expect(j.s.stop_reason).toBe('complete');
    expect(j.log.filter((n) => n.startsWith('IMPLEMENT m1')).slice(-2)).toEqual(['IMPLEMENT m1 a4', 'IMPLEMENT m1 a5']);
  });

  it('a prepare that fails after a crash inside the previous prepare keeps the work, not the second prepare, for the next resume', () => {
    const j = new Journal();
    j.start();
    j.resume();
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'prepare_workspace', 'PLAN']);
    j.perform(R.prepareMismatch());
    expect(j.s.stop_reason).toBe('branch_mismatch');
    expect(nameOf(j.s.queue.resume_effect!)).toBe('PLAN');
  });

  it('a prepare that fails after a crash during a quota wait keeps the call that waited, not the wait', () => {
    const j = new Journal().drive((e) => (isWorker(e, 'IMPLEMENT') ? R.worker({ status: 'rate_limited', retry_after_s: 60 }) : undefined), (x) => x.head.kind === 'wait_until');
    j.start();
    j.resume();
    j.perform(R.prepareMismatch());
    expect(j.s.stop_reason).toBe('branch_mismatch');
    expect(nameOf(j.s.queue.resume_effect!)).toBe('IMPLEMENT m1 a1');
  });

  it('of a run with nothing left to do (the CLI refuses such a resume): prepares its workspace, then has nothing to do', () => {
    const j = new Journal(runInit()).drive();
    expect(j.s).toMatchObject({ stop_reason: 'complete', queue: { resume_effect: null } });
    j.resume();
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace']);
    expect(j.s).toMatchObject({ phase: 'PLAN', stop_reason: null }); // never STOPPED without a stop reason
    j.perform(R.prepare());
    expect(j.s.queue.pending).toEqual([]);
    expect(j.s.phase).toBe('PLAN');
  });
});
