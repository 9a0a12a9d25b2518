import type { RunState } from '../contracts/state.js';
import { STOP_REASONS } from '../contracts/stop-reasons.js';

export interface WatchPolicy {
  autoResume: boolean;
  maxAttempts: number;
  cooldownS: number;
}

export type WatchDecision =
  | { kind: 'succeeded' }
  /** A stop a person must look at (or any stop, without --auto-resume). */
  | { kind: 'stopped' }
  | { kind: 'gave_up' }
  /** Resume at this instant (ms since the epoch). */
  | { kind: 'resume'; at: number };

/**
 * What `runr watch` does about a run that is no longer executing: it succeeded, it needs a person,
 * or it is resumed after the cooldown (a quota wait not before its retry_at). A run nobody executes
 * (stale) is resumed like a resumable stop: resume reclaims it.
 */
export function decideAfterStop(state: RunState | null, stale: boolean, attemptsSoFar: number, policy: WatchPolicy, nowMs: number): WatchDecision {
  const reason = state?.stop_reason ?? null;
  if (reason === 'complete') return { kind: 'succeeded' };
  const auto = reason === null ? stale : STOP_REASONS[reason].autoResumable;
  if (!policy.autoResume || !auto) return { kind: 'stopped' };
  if (attemptsSoFar >= policy.maxAttempts) return { kind: 'gave_up' };
  let at = nowMs + policy.cooldownS * 1000;
  const retryAt = state?.queue.retry_at;
  if (reason === 'quota_wait' && retryAt) at = Math.max(at, Date.parse(retryAt));
  return { kind: 'resume', at };
}
