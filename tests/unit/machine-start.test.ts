import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/contracts/effects.js';
import type { SandboxDecision } from '../../src/contracts/sandbox.js';
import { STATE_VERSION } from '../../src/contracts/state.js';
import { step } from '../../src/engine/machine.js';
import { iso, Journal, nameOf, R, runInit, sansUpdatedAt, T0 } from './machine-fixtures.js';

// A new run's state, and what starting an effect records (effect_started).

const isImplement = (e: Effect) => e.kind === 'worker' && e.phase === 'IMPLEMENT';
const sandbox = (reason: string): SandboxDecision => ({ mode: 'auto', active: true, reason, bwrap: '/usr/bin/bwrap', workers: { implementer: true } });

describe('run_started', () => {
  it('a new run: nothing done, nothing stopped, no counters, no feedback, PLAN next', () => {
    const s = new Journal().s;
    expect(s).toMatchObject({
      v: STATE_VERSION, phase: 'PLAN', milestone_index: 0, milestones: [],
      stop_reason: null, stop_detail: null, stop_fix: null, approval_gate: null, checkpoint_sha: null, verified_tree: null,
      started_at: iso(T0), updated_at: iso(T0), ended_at: null, finalized: false, wip_ref: null,
      session: { number: 1, started_at: iso(T0), ticks: 0 },
    });
    expect(s.loop).toEqual({ verification_failures: 0, review_rounds: 0, implement_attempt: 0, quota_waits: 0, failure_signatures: [] });
    expect(s.feedback).toEqual({ review_comments: null, implement_note: null, verification_failure: null, guard_violation_files: null });
    expect(s.sandbox).toBeUndefined();
  });

  it('--fast: the task is the one milestone, exactly, and IMPLEMENT is next', () => {
    const s = new Journal(runInit({ options: { fast: true } })).s;
    expect(s.milestones).toEqual([{ id: 'm1', goal: 'Do the thing', files_expected: [], done_checks: [], status: 'pending', checkpoint_sha: null }]);
    expect(s.phase).toBe('IMPLEMENT');
    expect(s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'IMPLEMENT m1 a1']);
  });

  it('keeps the session\'s sandbox decision; a resume replaces it with its own, or keeps it when it has none', () => {
    const first = sandbox('bwrap works');
    const { state } = step(null, { type: 'run_started', seq: 1, ts: iso(T0), run: runInit(), sandbox: first });
    expect(state.sandbox).toEqual(first);

    const j = new Journal();
    j.state = state;
    j.push({ type: 'run_resumed', pid: 1, force: false, overrides: {} });
    expect(j.s.sandbox).toEqual(first);
    const second = { ...sandbox('bwrap is missing'), active: false, bwrap: null };
    j.push({ type: 'run_resumed', pid: 1, force: false, overrides: {}, sandbox: second });
    expect(j.s.sandbox).toEqual(second);
  });
});

describe('effect_started', () => {
  it('a milestone is in progress from its first phased effect, not while the workspace is prepared', () => {
    const j = new Journal(runInit({ options: { fast: true } }));
    j.start();
    expect(j.s.milestones[0]!.status).toBe('pending');
    j.result(j.head.id, R.prepare());
    j.start();
    expect(j.s.milestones[0]!.status).toBe('in_progress');
  });

  it('planning again does not start the milestones of the plan being replaced', () => {
    const j = new Journal().drive((e) => (e.kind === 'worker' && e.phase === 'PLAN' ? R.worker({ milestones: [{ goal: 'x', files_expected: ['.env'] }] }) : undefined));
    expect(j.s.stop_reason).toBe('plan_scope_violation');
    expect(j.s.milestones).toHaveLength(1);
    j.resume();
    j.perform(R.prepare());
    j.start();
    expect(nameOf(j.head)).toBe('PLAN');
    expect(j.s.milestones.map((m) => m.status)).toEqual(['pending']);
  });

  it('a start after the run finished (nothing pending) is ignored', () => {
    const j = new Journal().drive();
    expect(j.s.queue.pending).toEqual([]);
    const before = j.s;
    j.push({ type: 'effect_started', effect: { id: 'e999', kind: 'finalize' } });
    expect(sansUpdatedAt(j.s)).toEqual(sansUpdatedAt(before));
  });

  it('a quota wait: the run shows it waits while the wait runs, and not once the wait is over', () => {
    const j = new Journal().drive((e) => (isImplement(e) ? R.worker({ status: 'rate_limited', retry_after_s: 60 }) : undefined), (x) => x.head.kind === 'wait_until');
    const waiting = j.s.queue.waiting;
    expect(waiting).toMatchObject({ reason: 'quota_wait' });
    const wait = j.head;
    j.start();
    expect(j.s.queue).toMatchObject({ in_flight: wait.id, waiting });
    j.now += 60_000;
    j.result(wait.id, { kind: 'wait_until' });
    expect(j.s.queue.waiting).toBeNull();
    expect(nameOf(j.head)).toBe('IMPLEMENT m1 a1');
  });

  it('a session resumed in the middle of a quota wait prepares its workspace, then shows it waits again until the same retry_at', () => {
    const j = new Journal().drive((e) => (isImplement(e) ? R.worker({ status: 'rate_limited', retry_after_s: 60 }) : undefined), (x) => x.head.kind === 'wait_until');
    const retryAt = j.s.queue.retry_at;
    j.start();
    j.resume();
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'wait_until', 'IMPLEMENT m1 a1']);
    j.start();
    expect(j.s.queue.waiting).toBeNull();
    j.result(j.head.id, R.prepare());
    j.start();
    expect(j.s.queue.waiting).toEqual({ reason: 'quota_wait', since: iso(j.now), retry_at: retryAt });
    expect(j.s.queue.retry_at).toBe(retryAt);
  });
});

describe('finalize', () => {
  it('records the WIP ref the finalization saved, or none', () => {
    const blocked = () => new Journal().drive((e) => (isImplement(e) ? R.implement('blocked') : undefined), (x) => x.s.phase === 'STOPPED');
    const j = blocked();
    j.perform({ kind: 'finalize', wip_ref: 'refs/runr/wip/20260102030405' });
    expect(j.s).toMatchObject({ finalized: true, wip_ref: 'refs/runr/wip/20260102030405' });
    const k = blocked();
    k.perform({ kind: 'finalize' });
    expect(k.s).toMatchObject({ finalized: true, wip_ref: null });
  });
});
