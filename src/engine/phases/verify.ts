import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { repeatCount, STOP_AT_REPEATS, verificationSignature } from '../signatures.js';
import { schedule, stop, withFeedback, withLoop, withStats } from '../state-ops.js';
import { fixRequest, scheduleFix } from './implement.js';

/** VERIFY: runr's own verification tiers; a failure goes back to the implementer with the evidence. */
export function onVerifyResult(state: RunState, effect: EffectOf<'verify'>, result: ResultOf<'verify'>, ts: string): RunState {
  const isRetry = state.feedback.verification_failure !== null;
  const stats = state.stats.verify_stats;
  let next = withStats(state, {
    verify_stats: {
      attempts: stats.attempts + 1,
      retries: stats.retries + (isRetry ? 1 : 0),
      total_duration_ms: stats.total_duration_ms + result.duration_ms,
    },
  });
  const { id: _id, ...again } = effect;
  if (result.time_budget) {
    return stop(next, 'time_budget_exceeded', ts, { detail: 'the time budget ran out during verification', resume: again });
  }
  if (result.ok) {
    // A pass is progress: earlier failures no longer count toward a change of strategy or a stop.
    return schedule(withLoop(withFeedback(next, { verification_failure: null }), { failure_signatures: [] }), {
      kind: 'guard', after: 'VERIFY', milestone_index: effect.milestone_index,
    });
  }
  const missing = result.failure?.missing_program;
  if (result.failure && missing) {
    // Not the implementer's failure: no fix attempt, no retry count; resume re-runs this verification.
    const { tier, command } = result.failure;
    return stop(withFeedback(next, { verification_failure: result.failure }), 'verification_command_missing', ts, {
      detail: `${command} (verification.${tier}): ${missing} is not installed or not on PATH`,
      fix: `Install ${missing} (verification.${tier} runs "${command}"), or change that command in ${state.config_path} and start a new run`,
      resume: again,
    });
  }
  const failures = state.loop.verification_failures + 1;
  const signatures = state.loop.failure_signatures;
  next = withLoop(withFeedback(next, { verification_failure: result.failure ?? null }), {
    verification_failures: failures,
    failure_signatures: result.failure ? [...signatures, verificationSignature(result.failure)].slice(-10) : signatures,
  });
  const repeats = repeatCount(next.loop.failure_signatures);
  if (repeats >= STOP_AT_REPEATS) {
    return stop(next, 'repeated_failure', ts, {
      detail: `the same failure ${repeats} times in a row, changes of strategy included: ${next.loop.failure_signatures.at(-1)}`,
      resume: fixRequest(next, state.loop.implement_attempt + 1),
    });
  }
  if (failures >= state.config.limits.max_verify_retries) {
    const failed = result.failure;
    return stop(next, 'verification_failed_max_retries', ts, {
      detail: failed
        ? `${failed.command} ${failed.timed_out ? 'timed out' : `exited with ${failed.exit_code}`} (${failures} failed attempts)`
        : `verification failed ${failures} times`,
      resume: fixRequest(next, state.loop.implement_attempt + 1),
    });
  }
  return scheduleFix(next);
}
