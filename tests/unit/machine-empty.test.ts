// The pure machine on milestones whose implementer changed nothing, and on failures the worker CLI
// reported about the implementer's own actions.
import { describe, expect, it } from 'vitest';
import type { Effect, EffectResult } from '../../src/contracts/effects.js';
import { replay } from '../../src/engine/machine.js';
import { buildPrompt } from '../../src/engine/prompts/build.js';
import { Journal, R } from './machine-fixtures.js';

const guardEmpty = (): EffectResult => ({ kind: 'guard', ok: true, violations: [], changed: 0, empty: true });
const guardChanged = (): EffectResult => ({ ...R.guard(), empty: false } as EffectResult);
const emptyCheckpoint = (sha: string): EffectResult => ({ kind: 'checkpoint', ok: true, sha, reused: false, empty: true });
const implementWith = (extra: Record<string, unknown>, result: Partial<Extract<EffectResult, { kind: 'worker' }>> = {}) =>
  R.worker({ status: 'ok', summary: 'ok', ...extra }, result);
const plannedWithFiles = () => R.worker({ milestones: [{ goal: 'one', files_expected: ['src/a.js'] }, { goal: 'two', files_expected: [] }] });

const isImplement = (e: Effect) => e.kind === 'worker' && e.phase === 'IMPLEMENT';

describe('an implementer attempt that changed no file', () => {
  it('is not verified: the next attempt is asked for at once, and its prompt says so with the files expected', () => {
    let emptyOnce = true;
    const j = new Journal().drive((e) => {
      if (e.kind === 'worker' && e.phase === 'PLAN') return plannedWithFiles();
      if (e.kind === 'guard' && e.after === 'IMPLEMENT' && e.milestone_index === 0 && emptyOnce) {
        emptyOnce = false;
        return guardEmpty();
      }
      return undefined;
    }, (x) => x.head.kind === 'worker' && x.head.phase === 'IMPLEMENT' && x.head.attempt === 2);
    expect(j.log).toEqual(['prepare_workspace', 'PLAN', 'IMPLEMENT m1 a1', 'guard(IMPLEMENT) m1']);
    expect(j.s.loop.failure_signatures).toEqual(['IMPLEMENT | no file changed']);
    const prompt = buildPrompt(j.s, j.head as Extract<Effect, { kind: 'worker' }>);
    expect(prompt).toContain('# Your previous attempt changed no file');
    expect(prompt).toContain('Files expected for this milestone: src/a.js');

    j.drive();
    expect(j.s.stop_reason).toBe('complete');
    expect(j.s.milestones.map((m) => [m.status, m.empty ?? false])).toEqual([['complete', false], ['complete', false]]);
  });

  it('again and again: changes strategy at the third attempt and stops with repeated_failure after the fourth', () => {
    const j = new Journal().drive((e) => (e.kind === 'guard' && e.after === 'IMPLEMENT' ? guardEmpty() : undefined));
    expect(j.log.filter((n) => n.startsWith('IMPLEMENT'))).toEqual(['IMPLEMENT m1 a1', 'IMPLEMENT m1 a2', 'IMPLEMENT m1 a3', 'IMPLEMENT m1 a4']);
    expect(j.log.some((n) => n.startsWith('verify'))).toBe(false);
    expect(j.s).toMatchObject({ stop_reason: 'repeated_failure', checkpoint_sha: null });
    expect(j.s.stop_detail).toBe('the implementer changed no file 4 times in a row and gave no no_change_reason');
    const starts = j.events.filter((e) => e.type === 'effect_started' && isImplement(e.effect)).map((e) => e.type === 'effect_started' && e.effect);
    expect(starts.map((e) => e && e.kind === 'worker' && (e.change_strategy ?? false))).toEqual([false, false, true, true]);
    // Resume tries again with a change of strategy.
    expect(j.s.queue.resume_effect).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', attempt: 5, change_strategy: true });
  });

  it('with a no_change_reason: verified and reviewed, then completed without a commit of its own, marked empty', () => {
    const j = new Journal().drive((e) => {
      if (e.kind === 'worker' && e.phase === 'IMPLEMENT' && e.milestone_index === 1) return implementWith({ no_change_reason: 'already done by m1' });
      if (e.kind === 'guard' && e.after === 'IMPLEMENT' && e.milestone_index === 1) return guardEmpty();
      return undefined;
    }, (x) => x.head.kind === 'worker' && x.head.phase === 'REVIEW' && x.head.milestone_index === 1);
    expect(j.log.slice(-2)).toEqual(['verify m2 a1', 'guard(VERIFY) m2']);
    const review = buildPrompt(j.s, j.head as Extract<Effect, { kind: 'worker' }>);
    expect(review).toContain('It says this milestone needs no change because: already done by m1');

    j.drive((e) => (e.kind === 'checkpoint' && e.milestone_index === 1 ? emptyCheckpoint(`${'c'.repeat(39)}1`) : undefined));
    expect(j.s.stop_reason).toBe('complete');
    expect(j.s.checkpoint_sha).toBe(`${'c'.repeat(39)}1`);
    expect(j.s.milestones[1]).toMatchObject({ status: 'complete', checkpoint_sha: null, empty: true, no_change_reason: 'already done by m1' });
  });

  it('a no_change_reason from an attempt that did change files is not kept', () => {
    const j = new Journal().drive((e) => {
      if (e.kind === 'worker' && e.phase === 'IMPLEMENT') return implementWith({ no_change_reason: 'nothing needed' });
      if (e.kind === 'guard' && e.after === 'IMPLEMENT') return guardChanged();
      return undefined;
    }, (x) => x.head.kind === 'worker' && x.head.phase === 'REVIEW');
    expect(j.s.feedback.no_change_reason).toBeNull();
    expect(buildPrompt(j.s, j.head as Extract<Effect, { kind: 'worker' }>)).not.toContain('changed no file');
  });

  it('journals from before the empty check (guard results without `empty`) replay as they ran: on to verification', () => {
    const old: EffectResult = { kind: 'guard', ok: true, violations: [], changed: 0 };
    const j = new Journal().drive((e) => (e.kind === 'guard' && e.after === 'IMPLEMENT' ? old : undefined));
    expect(j.s.stop_reason).toBe('complete');
    expect(j.log.filter((n) => n.startsWith('IMPLEMENT'))).toEqual(['IMPLEMENT m1 a1', 'IMPLEMENT m2 a1']);
    expect(replay(j.events)).toEqual(j.s);
  });
});

describe('failures the worker CLI reported about the implementer\'s own actions', () => {
  it('reach the next attempt\'s prompt and stay with the milestone, attempt by attempt', () => {
    let call = 0;
    const j = new Journal().drive((e) => {
      if (e.kind === 'worker' && e.phase === 'IMPLEMENT' && e.milestone_index === 0) {
        call++;
        return implementWith({}, call === 1 ? { action_failures: ['file change failed: add README.md/x.txt'] } : {});
      }
      if (e.kind === 'guard' && e.after === 'IMPLEMENT' && e.milestone_index === 0 && call === 1) return guardEmpty();
      return undefined;
    }, (x) => x.head.kind === 'worker' && x.head.phase === 'IMPLEMENT' && x.head.attempt === 2);
    const prompt = buildPrompt(j.s, j.head as Extract<Effect, { kind: 'worker' }>);
    expect(prompt).toContain('# Actions that failed in your previous attempt');
    expect(prompt).toContain('- file change failed: add README.md/x.txt');
    const continued = buildPrompt(j.s, j.head as Extract<Effect, { kind: 'worker' }>, { continued: true });
    expect(continued).toContain('- file change failed: add README.md/x.txt');
    expect(continued).toContain('# Your previous attempt changed no file');

    j.drive(undefined, (x) => x.head.kind === 'worker' && x.head.phase === 'REVIEW');
    expect(j.s.feedback.action_failures).toBeNull();
    j.drive();
    expect(j.s.milestones[0]!.action_failures).toEqual(['attempt 1: file change failed: add README.md/x.txt']);
    expect(j.s.milestones[1]!.action_failures).toBeUndefined();
    expect(j.log).toContain('IMPLEMENT m1 a2');
  });
});
