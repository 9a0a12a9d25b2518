// The supervisor driven in-process through fake ports (no git, no processes): the phases in order,
// feedback loops, quota waits on the injected clock, cancellation, a full disk and the test hooks.
import { describe, expect, it } from 'vitest';
import type { Phase } from '../../src/contracts/phases.js';
import { WriteFailedError } from '../../src/engine/write-failure.js';
import { readJournal } from '../../src/store/journal.js';
import { fakeRun, outcome } from '../helpers/fake-ports.js';
import { R, T0 } from './machine-fixtures.js';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';

const tempDir = tempDirsRemovedAfterEach('runr-ports-');

/** The phases a run went through, as its state showed them after each event (repeats collapsed). */
function phasesSeen(): { seen: Phase[]; onEvent: (s: { phase: Phase }) => void } {
  const seen: Phase[] = [];
  return { seen, onEvent: (s) => (seen.at(-1) === s.phase ? undefined : void seen.push(s.phase)) };
}

describe('supervisor through fake ports', () => {
  it('goes PLAN → IMPLEMENT → VERIFY → REVIEW → CHECKPOINT for each milestone, then stops complete', async () => {
    const run = fakeRun(tempDir(), { PLAN: [R.plan('first', 'second')] });
    const { seen, onEvent } = phasesSeen();
    const state = await run.execute({ onEvent });
    expect(seen).toEqual(['PLAN', 'IMPLEMENT', 'VERIFY', 'REVIEW', 'CHECKPOINT', 'IMPLEMENT', 'VERIFY', 'REVIEW', 'CHECKPOINT', 'STOPPED']);
    expect(run.world.calls.filter((c) => c.startsWith('checkpoint'))).toEqual(['checkpoint m1', 'checkpoint m2']);
    expect(state.milestones.map((m) => [m.status, m.checkpoint_sha])).toEqual([['complete', '1'.repeat(40)], ['complete', '2'.repeat(40)]]);
    expect(state.checkpoint_sha).toBe('2'.repeat(40));
    expect(run.report()).toMatchObject({ outcome: 'complete', milestones: { completed: 2, total: 2 }, next_action: 'none' });
  });

  it('a --fast run skips PLAN: its one milestone is the task goal', async () => {
    const run = fakeRun(tempDir(), {}, { options: { fast: true } });
    const state = await run.execute();
    expect(run.world.calls[1]).toBe('IMPLEMENT m1 a1');
    expect(run.world.calls).not.toContain('PLAN');
    expect(state.milestones.map((m) => m.goal)).toEqual(['Do the thing']);
    expect(state.stop_reason).toBe('complete');
  });

  it('a failed verification goes back to the implementer and the next attempt is verified again', async () => {
    const run = fakeRun(tempDir(), { verify: [R.verifyFail('expected 2, got 3')] });
    const state = await run.execute();
    expect(run.world.calls).toEqual([
      'prepare', 'PLAN', 'IMPLEMENT m1 a1', 'guard IMPLEMENT m1', 'verify m1',
      'IMPLEMENT m1 a2', 'guard IMPLEMENT m1', 'verify m1', 'guard VERIFY m1', 'REVIEW m1 a1', 'checkpoint m1', 'finalize',
    ]);
    expect(run.report()).toMatchObject({ outcome: 'complete', verify: { attempts: 2, retries: 1 } });
    expect(state.stop_reason).toBe('complete');
  });

  it('requested changes go back to the implementer, then the change is reviewed again', async () => {
    const run = fakeRun(tempDir(), { REVIEW: [R.changes('name the constant')] });
    await run.execute();
    const after = run.world.calls.slice(run.world.calls.indexOf('REVIEW m1 a1') + 1);
    expect(after.slice(0, 2)).toEqual(['IMPLEMENT m1 a2', 'guard IMPLEMENT m1']);
    expect(after.filter((c) => c.startsWith('REVIEW'))).toHaveLength(1);
    expect(run.report().outcome).toBe('complete');
  });

  it('a quota wait sleeps on the injected clock until retry_at, then the call is made again', async () => {
    const run = fakeRun(tempDir(), { IMPLEMENT: [outcome('rate_limited', { retry_after_s: 600 })] });
    const waits: string[] = [];
    const started = Date.now();
    const state = await run.execute({ onEvent: (s) => void (s.queue.waiting && waits.push(s.queue.waiting.reason)) });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(waits[0]).toBe('quota_wait');
    expect(run.world.calls.filter((c) => c.startsWith('IMPLEMENT'))).toEqual(['IMPLEMENT m1 a1', 'IMPLEMENT m1 a1']);
    // The wait's 600 s passed on the fake clock, and the run's times are the clock's.
    expect(Date.parse(state.ended_at!) - T0).toBeGreaterThanOrEqual(600_000);
    expect(run.report().total_duration_ms).toBe(Date.parse(state.ended_at!) - T0);
    expect(state.stop_reason).toBe('complete');
  });

  it('cancelling through the signal ends the call in flight and stops interrupted, resumable at that call', async () => {
    const cancel = new AbortController();
    const run = fakeRun(tempDir(), {
      IMPLEMENT: [(ctx) => new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => resolve(outcome('crashed')), { once: true });
        cancel.abort('the operator');
      })],
    });
    const state = await run.execute({ signal: cancel.signal });
    expect(state.stop_reason).toBe('interrupted');
    expect(state.stop_detail).toBe('interrupted by the operator');
    expect(state.queue.resume_effect).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', attempt: 1 });
    // The result of the call cut short is never journaled: a resume performs it again.
    const results = readJournal(run.dir).events.flatMap((e) => (e.type === 'effect_result' ? [e.result.kind] : []));
    expect(results.filter((k) => k === 'worker')).toHaveLength(1);
    expect(run.world.calls.at(-1)).toBe('finalize');
  });

  it('a write the disk refuses stops the run disk_full and is thrown as one line saying what to do', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/runs/x/logs/e3.log' });
    const run = fakeRun(tempDir(), { IMPLEMENT: [() => { throw full; }] });
    const failure = await run.execute().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WriteFailedError);
    expect((failure as WriteFailedError).message).toMatch(/^no space left on device writing \/runs\/x\/logs\/e3\.log: free some space, then run: runr resume /);
    expect(run.store.state).toMatchObject({ phase: 'STOPPED', stop_reason: 'disk_full' });
    expect(run.store.state.queue.resume_effect).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT' });
  });

  it('an injected afterEvent hook sees every journaled event in order', async () => {
    const run = fakeRun(tempDir(), { PLAN: [R.plan('only')] });
    const seqs: number[] = [];
    await run.execute({ hooks: { afterEvent: (seq) => seqs.push(seq) } });
    const journaled = readJournal(run.dir).events.map((e) => e.seq);
    expect(seqs).toEqual(journaled.slice(1));
  });

  it('a checkpoint approval gate stops after REVIEW, before anything is committed', async () => {
    const run = fakeRun(tempDir(), {}, { config: { approvals: ['checkpoint'] } });
    const state = await run.execute();
    expect(state.stop_reason).toBe('awaiting_approval');
    expect(state.approval_gate).toBe('checkpoint');
    expect(run.world.calls.at(-2)).toBe('REVIEW m1 a1');
    expect(run.world.calls.some((c) => c.startsWith('checkpoint'))).toBe(false);
  });

  it('usage the workers report is summed per phase and in total', async () => {
    const usage = { input_tokens: 100, output_tokens: 10, cost_usd: 0.25 };
    const run = fakeRun(tempDir(), {
      PLAN: [R.worker({ milestones: [{ goal: 'g', files_expected: [], done_checks: [] }] }, { usage })],
      IMPLEMENT: [R.worker({ status: 'ok', summary: 'x' }, { usage })],
    });
    await run.execute();
    const report = run.report();
    expect(report.usage.total).toMatchObject({ input_tokens: 200, output_tokens: 20, cost_usd: 0.5 });
    expect(report.usage.by_phase.PLAN).toMatchObject({ cost_usd: 0.25, calls: 1 });
    expect(report.usage.by_phase.IMPLEMENT).toMatchObject({ cost_usd: 0.25, calls: 1 });
  });
});
