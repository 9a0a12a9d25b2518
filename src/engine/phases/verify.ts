import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { verificationSignature } from '../signatures.js';
import { schedule, stop } from '../state-ops.js';
import { scheduleFix } from './implement.js';

/** VERIFY: runr's own verification tiers; a failure goes back to the implementer with the evidence. */
export function onVerifyResult(state: RunState, effect: EffectOf<'verify'>, result: ResultOf<'verify'>, ts: string): RunState {
  const isRetry = state.last_verification_failure !== null;
  let next: RunState = {
    ...state,
    verify_stats: {
      attempts: state.verify_stats.attempts + 1,
      retries: state.verify_stats.retries + (isRetry ? 1 : 0),
      total_duration_ms: state.verify_stats.total_duration_ms + result.duration_ms,
    },
  };
  const { id: _id, ...again } = effect;
  if (result.time_budget) {
    return stop(next, 'time_budget_exceeded', ts, { detail: 'the time budget ran out during verification', resume: again });
  }
  if (result.ok) {
    return schedule({ ...next, last_verification_failure: null }, {
      kind: 'guard', after: 'VERIFY', milestone_index: effect.milestone_index,
    });
  }
  const failures = state.verification_failures + 1;
  next = {
    ...next,
    verification_failures: failures,
    last_verification_failure: result.failure ?? null,
    failure_signatures: result.failure ? [...state.failure_signatures, verificationSignature(result.failure)].slice(-10) : state.failure_signatures,
  };
  if (failures >= state.config.limits.max_verify_retries) {
    const failed = result.failure;
    return stop(next, 'verification_failed_max_retries', ts, {
      detail: failed
        ? `${failed.command} ${failed.timed_out ? 'timed out' : `exited with ${failed.exit_code}`} (${failures} failed attempts)`
        : `verification failed ${failures} times`,
      resume: { kind: 'worker', phase: 'IMPLEMENT', milestone_index: effect.milestone_index, attempt: state.implement_attempt + 1, followup: 0 },
    });
  }
  return scheduleFix(next);
}
