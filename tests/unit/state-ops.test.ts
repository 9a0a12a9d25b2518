import { describe, expect, it } from 'vitest';
import { addUsage, emptyUsage, phaseOf } from '../../src/engine/state-ops.js';

describe('phaseOf', () => {
  it('is the phase an effect belongs to, and null for effects outside the phases', () => {
    expect(phaseOf({ kind: 'worker', phase: 'REVIEW', milestone_index: 0, attempt: 1, followup: 0 })).toBe('REVIEW');
    expect(phaseOf({ kind: 'guard', after: 'VERIFY', milestone_index: 0 })).toBe('VERIFY');
    expect(phaseOf({ kind: 'verify', milestone_index: 0, attempt: 1 })).toBe('VERIFY');
    expect(phaseOf({ kind: 'checkpoint', milestone_index: 0 })).toBe('CHECKPOINT');
    expect(phaseOf({ kind: 'prepare_workspace' })).toBeNull();
    expect(phaseOf({ kind: 'finalize' })).toBeNull();
    expect(phaseOf({ kind: 'wait_until', until: '2026-01-01T00:00:00.000Z', reason: 'quota_wait' })).toBeNull();
  });
});

describe('addUsage', () => {
  it('adds a priced call\'s tokens and cost; it is not unpriced', () => {
    expect(addUsage(undefined, { input_tokens: 10, output_tokens: 5, cost_usd: 0.25 }))
      .toEqual({ input_tokens: 10, output_tokens: 5, cost_usd: 0.25, calls: 1, unpriced_calls: 0 });
  });

  it('counts a call that used tokens but reported no cost as unpriced, whichever tokens it reported', () => {
    expect(addUsage(emptyUsage(), { input_tokens: 5, output_tokens: 5 }).unpriced_calls).toBe(1);
    expect(addUsage(emptyUsage(), { output_tokens: 7 }).unpriced_calls).toBe(1);
    expect(addUsage(emptyUsage(), { input_tokens: 7 }).unpriced_calls).toBe(1);
    expect(addUsage(emptyUsage(), { input_tokens: 3, output_tokens: 3, cost_usd: null }).unpriced_calls).toBe(1);
  });

  it('a call without usage or tokens is a call, not an unpriced one', () => {
    expect(addUsage(emptyUsage(), null)).toEqual({ ...emptyUsage(), calls: 1 });
    expect(addUsage(emptyUsage(), { input_tokens: 0, output_tokens: 0 })).toEqual({ ...emptyUsage(), calls: 1 });
  });

  it('adds to the totals so far', () => {
    const once = addUsage(undefined, { input_tokens: 1, output_tokens: 2 });
    expect(addUsage(once, { input_tokens: 3, output_tokens: 4, cost_usd: 0.5 }))
      .toEqual({ input_tokens: 4, output_tokens: 6, cost_usd: 0.5, calls: 2, unpriced_calls: 1 });
  });
});
