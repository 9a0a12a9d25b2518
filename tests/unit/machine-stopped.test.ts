import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/contracts/effects.js';
import { EXECUTOR_STOPS, STOP_REASONS } from '../../src/contracts/stop-reasons.js';
import { Journal, nameOf, R } from './machine-fixtures.js';

// `run_stopped`: the executor stops the run from outside its phases (Ctrl-C / SIGTERM, a full disk).
// The effect in flight got no result; a resume performs it again.

const isImplement = (e: Effect) => e.kind === 'worker' && e.phase === 'IMPLEMENT';

describe.each(EXECUTOR_STOPS)('run_stopped %s', (reason) => {
  it('while a worker call is in flight: stops resumably, and a resume performs that call again', () => {
    const j = new Journal().drive(undefined, (x) => isImplement(x.head));
    const inFlight = j.head;
    j.start(inFlight);
    j.push({ type: 'run_stopped', reason, detail: `the ${reason} detail` });
    expect(j.s).toMatchObject({ phase: 'STOPPED', stop_reason: reason, stop_detail: `the ${reason} detail`, queue: { in_flight: null }, finalized: false });
    expect(j.s.queue.pending.map(nameOf)).toEqual(['finalize']);
    expect(nameOf(j.s.queue.resume_effect!)).toBe(nameOf(inFlight));
    expect(STOP_REASONS[reason]).toMatchObject({ resumable: true, autoResumable: false, nextAction: 'resume' });

    j.perform(R.finalize());
    expect(j.s.finalized).toBe(true);
    j.resume();
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', nameOf(inFlight)]);
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
    expect(j.s.milestones.every((m) => m.status === 'complete')).toBe(true);
  });

  it('during a quota wait: a resume goes on with the call that waited, not the wait', () => {
    const j = new Journal().drive((e) => (isImplement(e) ? R.worker({ status: 'rate_limited', retry_after_s: 60 }) : undefined), (x) => x.head.kind === 'wait_until');
    j.start();
    j.push({ type: 'run_stopped', reason, detail: 'x' });
    expect(nameOf(j.s.queue.resume_effect!)).toBe('IMPLEMENT m1 a1');
    expect(j.s.queue.waiting).toBeNull();
  });

  it('at the start of a session (prepare_workspace in flight): a resume goes on with the work that was next', () => {
    const j = new Journal();
    j.start();
    j.push({ type: 'run_stopped', reason, detail: 'x' });
    expect(nameOf(j.s.queue.resume_effect!)).toBe('PLAN');
  });

  it('a run already stopping keeps its own stop', () => {
    const j = new Journal().drive((e) => (isImplement(e) ? R.implement('blocked') : undefined), (x) => x.s.phase === 'STOPPED');
    j.start();
    const before = j.s;
    j.push({ type: 'run_stopped', reason, detail: 'x' });
    expect(j.s).toMatchObject({ stop_reason: 'implement_blocked', queue: { pending: before.queue.pending, resume_effect: before.queue.resume_effect } });
  });
});
