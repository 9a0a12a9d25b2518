// The machine's handling of what real worker CLIs report: usage and cost, quota pressure,
// refused credentials, and which requests continue a worker session.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/contracts/effects.js';
import { buildPrompt } from '../../src/engine/prompts/build.js';
import { quotaBackoffSeconds } from '../../src/engine/quota.js';
import { normaliseErrorText } from '../../src/engine/signatures.js';
import { suggestedFor } from '../../src/engine/describe.js';
import { sessionToContinue } from '../../src/engine/worker-sessions.js';
import { iso, Journal, R, runInit, T0 } from './machine-fixtures.js';

const usage = (input_tokens: number, output_tokens: number, cost_usd: number | null) => ({ input_tokens, output_tokens, cost_usd });
const claudeWorkers = { planner: { type: 'claude' }, implementer: { type: 'claude' }, reviewer: { type: 'claude' } };

function failWith(excerpt: string) {
  const failed = R.verifyFail();
  if (failed.kind !== 'verify' || !failed.failure) throw new Error('fixture');
  return { ...failed, failure: { ...failed.failure, excerpt } };
}

describe('usage and cost', () => {
  it('sums every call per run, per phase and per milestone, and counts calls without a cost', () => {
    const j = new Journal().drive((e) => {
      if (e.kind !== 'worker') return undefined;
      const cost = e.phase === 'IMPLEMENT' ? null : 0.5;
      const base = e.phase === 'PLAN' ? R.plan('one', 'two') : e.phase === 'IMPLEMENT' ? R.implement() : R.approve();
      return { ...base, usage: usage(100, 10, cost) } as typeof base;
    });
    const u = j.s.stats.usage;
    expect(j.s.stop_reason).toBe('complete');
    expect(u.total).toEqual({ input_tokens: 500, output_tokens: 50, cost_usd: 1.5, calls: 5, unpriced_calls: 2 });
    expect(u.by_phase.IMPLEMENT).toEqual({ input_tokens: 200, output_tokens: 20, cost_usd: 0, calls: 2, unpriced_calls: 2 });
    expect(Object.keys(u.by_milestone)).toEqual(['m1', 'm2']);
    expect(u.by_milestone.m2).toEqual({ input_tokens: 200, output_tokens: 20, cost_usd: 0.5, calls: 2, unpriced_calls: 1 });
  });

  it('stops with budget_exceeded before the next worker call once the reported cost reaches the budget', () => {
    const j = new Journal(runInit({ options: { budget_usd: 1 } })).drive((e) =>
      e.kind === 'worker' && e.phase === 'PLAN' ? { ...R.plan('one'), usage: usage(1, 1, 1.25) } as ReturnType<typeof R.plan> : undefined);
    expect(j.s.stop_reason).toBe('budget_exceeded');
    expect(j.log).toEqual(['prepare_workspace', 'PLAN', 'finalize']);
  });
});

describe('quota pressure from a CLI', () => {
  it('waits until the reset time the worker reported, then repeats the same call', () => {
    const retryAt = iso(T0 + 15 * 60_000);
    const j = new Journal();
    j.perform(R.prepare());
    j.perform({ kind: 'worker', outcome: 'rate_limited', retry_at: retryAt, detail: 'usage limit reached', exit_code: 0 });
    expect(j.s.queue.waiting).toEqual({ reason: 'quota_wait', since: expect.any(String), retry_at: retryAt });
    expect(j.s.queue.pending.map((e) => e.kind)).toEqual(['wait_until', 'worker']);
    expect(j.s.queue.pending[0]).toMatchObject({ until: retryAt });
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
    expect(j.log.filter((n) => n === 'PLAN')).toHaveLength(2);
  });

  it('uses retry-after when there is no reset time, and backs off with jitter when there is neither', () => {
    const j = new Journal();
    j.perform(R.prepare());
    j.perform({ kind: 'worker', outcome: 'rate_limited', retry_after_s: 7, exit_code: 1 });
    expect(Date.parse(j.s.queue.waiting!.retry_at) - Date.parse(j.s.queue.waiting!.since)).toBe(7_000);
    j.perform({ kind: 'wait_until' });
    j.perform({ kind: 'worker', outcome: 'rate_limited', exit_code: 1 });
    const waited = (Date.parse(j.s.queue.waiting!.retry_at) - Date.parse(j.s.queue.waiting!.since)) / 1000;
    expect(waited).toBe(quotaBackoffSeconds(j.s.run_id, 1));
  });

  it('grows the backoff with each wait in a row, within ±20 % jitter, capped at 30 minutes', () => {
    const waits = [0, 1, 2, 3, 10].map((n) => quotaBackoffSeconds('20260102030405', n));
    expect(waits[0]).toBeGreaterThanOrEqual(24);
    expect(waits[0]).toBeLessThanOrEqual(36);
    expect(waits[3]).toBeGreaterThan(waits[0]! * 4);
    expect(waits[4]).toBeLessThanOrEqual(1800 * 1.2);
    expect(quotaBackoffSeconds('20260102030405', 2)).toBe(waits[2]);
  });

  it('stops with quota_wait (resumable) when the reset comes after the time budget', () => {
    const j = new Journal(runInit({ options: { time_budget_min: 10 } }));
    j.perform(R.prepare());
    j.perform({ kind: 'worker', outcome: 'rate_limited', retry_at: iso(T0 + 3 * 3600_000), exit_code: 0 });
    expect(j.s.stop_reason).toBe('quota_wait');
    expect(j.s.queue.retry_at).toBe(iso(T0 + 3 * 3600_000));
    expect(j.s.queue.resume_effect).toMatchObject({ kind: 'worker', phase: 'PLAN' });
  });
});

describe('refused credentials', () => {
  it('stop with worker_auth_failed, naming the fix in the suggested command, and resume repeats the call', () => {
    const j = new Journal();
    j.perform(R.prepare());
    j.perform({ kind: 'worker', outcome: 'auth_failed', detail: 'claude: Invalid API key', fix: 'Set ANTHROPIC_API_KEY to a valid key (or run claude /login)', exit_code: 1 });
    j.drive();
    expect(j.s.stop_reason).toBe('worker_auth_failed');
    expect(suggestedFor(j.s, 'worker_auth_failed')).toBe(`# Set ANTHROPIC_API_KEY to a valid key (or run claude /login), then: runr resume ${j.s.run_id}`);
    j.resume();
    expect(j.s.stop_fix).toBeNull();
    j.drive();
    expect(j.s.stop_reason).toBe('complete');
  });
});

describe('worker sessions', () => {
  const withSession = (j: Journal, id: string) => (e: Effect) => {
    if (e.kind !== 'worker') return undefined;
    const base = e.phase === 'PLAN' ? R.plan('one') : e.phase === 'IMPLEMENT' ? R.implement() : R.approve();
    return { ...base, session_id: `${id}-${e.phase}-${e.attempt}-${e.followup}` } as typeof base;
  };

  it('continues the implementer session for a fix after failed verification, not for the first attempt', () => {
    const j = new Journal(runInit({ config: { workers: claudeWorkers } }));
    j.drive(withSession(j, 's'), (jj) => jj.head.kind === 'verify');
    expect(j.s.worker_sessions.IMPLEMENT).toEqual({ id: 's-IMPLEMENT-1-0', worker: 'claude', milestone_index: 0 });
    j.perform(failWith('expected 1 got 2'));
    expect(j.head).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', attempt: 2 });
    expect(sessionToContinue(j.s, j.head as Extract<Effect, { kind: "worker" }>)?.id).toBe("s-IMPLEMENT-1-0");
  });

  it('starts a fresh session once the same failure signature comes twice in a row', () => {
    const j = new Journal(runInit({ config: { workers: claudeWorkers, limits: { max_verify_retries: 5 } } }));
    j.drive(withSession(j, 's'), (jj) => jj.head.kind === 'verify');
    j.perform(failWith('FAIL at /tmp/abc123/x.js:10 expected 3 got 4'));
    j.drive(withSession(j, 's'), (jj) => jj.head.kind === 'verify');
    j.perform(failWith('FAIL at /tmp/zzz999/x.js:12 expected 5 got 6'));
    const head = j.head as Extract<Effect, { kind: 'worker' }>;
    expect(head).toMatchObject({ phase: 'IMPLEMENT', attempt: 3 });
    expect(sessionToContinue(j.s, head)).toBeNull();
  });

  it('never continues across milestones or with a different worker type', () => {
    const j = new Journal(runInit({ config: { workers: claudeWorkers } }));
    j.drive(withSession(j, 's'), (jj) => jj.s.milestone_index === 0 && jj.head.kind === 'verify');
    j.perform(failWith('boom'));
    const head = j.head as Extract<Effect, { kind: 'worker' }>;
    expect(sessionToContinue({ ...j.s, worker_sessions: { IMPLEMENT: { id: 'x', worker: 'claude', milestone_index: 1 } } }, head)).toBeNull();
    expect(sessionToContinue({ ...j.s, worker_sessions: { IMPLEMENT: { id: 'x', worker: 'codex', milestone_index: 0 } } }, head)).toBeNull();
  });

  it('sends a continued session only what is new and the result format', () => {
    const j = new Journal(runInit({ config: { workers: claudeWorkers } }));
    j.drive(withSession(j, 's'), (jj) => jj.head.kind === 'verify');
    j.perform(failWith('AssertionError: expected hello'));
    const head = j.head as Extract<Effect, { kind: 'worker' }>;
    const full = buildPrompt(j.s, head);
    const short = buildPrompt(j.s, head, { continued: true });
    expect(full).toContain('# The task');
    expect(short).not.toContain('# The task');
    expect(short).toContain('AssertionError: expected hello');
    expect(short).toContain('{"status":"ok"');
    expect(short.length).toBeLessThan(full.length);
  });
});

describe('failure signatures', () => {
  it('ignore numbers, hex ids and temp paths, but not the words of the error', () => {
    expect(normaliseErrorText('Error at /tmp/a1b2/x.js:10:3 (took 52ms) sha deadbeef12'))
      .toBe(normaliseErrorText('Error at /tmp/zz/x.js:99:1 (took 7ms) sha 0123abcd99'));
    expect(normaliseErrorText('expected hello')).not.toBe(normaliseErrorText('expected world'));
  });
});
