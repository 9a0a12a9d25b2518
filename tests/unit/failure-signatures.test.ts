// Failure signatures (SPEC §4): the same failure twice in a row changes strategy; four times stops the run.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/contracts/effects.js';
import { buildPrompt } from '../../src/engine/prompts/build.js';
import { Journal, R, runInit } from './machine-fixtures.js';

function failWith(excerpt: string) {
  const failed = R.verifyFail();
  if (failed.kind !== 'verify' || !failed.failure) throw new Error('fixture');
  return { ...failed, failure: { ...failed.failure, excerpt } };
}

/** Drives the run to its next verification and fails it with `excerpt`; returns the effect that follows. */
function failNextVerify(j: Journal, excerpt: string): Effect | undefined {
  j.drive(undefined, (jj) => jj.head.kind === 'verify');
  j.perform(failWith(excerpt));
  return j.s.queue.pending[0];
}

const limits = { limits: { max_verify_retries: 10 } };

describe('failure signatures', () => {
  it('the second identical failure makes the next attempt change strategy, with the failure history in its prompt', () => {
    const j = new Journal(runInit({ config: limits }));
    expect(failNextVerify(j, 'TypeError: x is undefined at line 3')).toMatchObject({ phase: 'IMPLEMENT', attempt: 2 });
    expect(j.head).not.toHaveProperty('change_strategy');
    const third = failNextVerify(j, 'TypeError: x is undefined at line 7') as Extract<Effect, { kind: 'worker' }>;
    expect(third).toMatchObject({ phase: 'IMPLEMENT', attempt: 3, change_strategy: true });
    const prompt = buildPrompt(j.s, third);
    expect(prompt).toContain('# Change of approach');
    expect(prompt).toContain('Your last 2 attempts failed in the same way');
    expect(prompt).toContain('typeerror: x is undefined at line #');
  });

  it('a different failure is progress: no change of strategy, and the count starts again', () => {
    const j = new Journal(runInit({ config: limits }));
    failNextVerify(j, 'error A');
    expect(failNextVerify(j, 'error B')).not.toHaveProperty('change_strategy');
    expect(failNextVerify(j, 'error B')).toMatchObject({ change_strategy: true });
  });

  it('the fourth identical failure in a row stops the run with repeated_failure and the signature', () => {
    const j = new Journal(runInit({ config: limits }));
    for (let i = 0; i < 4; i++) failNextVerify(j, `AssertionError: expected ${i} to be 42`);
    j.drive();
    expect(j.s.stop_reason).toBe('repeated_failure');
    expect(j.s.stop_detail).toContain('the same failure 4 times in a row');
    expect(j.s.stop_detail).toContain('assertionerror: expected # to be #');
    expect(j.s.queue.resume_effect).toMatchObject({ phase: 'IMPLEMENT', attempt: 5, change_strategy: true });
  });

  it('a passing verification, and a new milestone, clear the history: a run that keeps committing is never stuck', () => {
    const j = new Journal(runInit({ config: limits }));
    failNextVerify(j, 'same error');
    failNextVerify(j, 'same error');
    failNextVerify(j, 'same error');
    j.drive(undefined, (jj) => jj.s.milestone_index === 1 && jj.head.kind === 'verify');
    expect(j.s.loop.failure_signatures).toEqual([]);
    expect(failNextVerify(j, 'same error')).not.toHaveProperty('change_strategy');
    for (let i = 0; i < 2; i++) failNextVerify(j, 'same error');
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
  });
});
