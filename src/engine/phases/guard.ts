import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { describeViolations } from '../../guard/index.js';
import { schedule, stop, withFeedback } from '../state-ops.js';
import { onEmptyImplement } from './implement.js';

/** The scope guard runs after IMPLEMENT and again after VERIFY (SPEC §6). */
export function onGuardResult(state: RunState, effect: EffectOf<'guard'>, result: ResultOf<'guard'>, ts: string): RunState {
  if (!result.ok) {
    const { id: _id, ...again } = effect;
    const stopped = stop(state, 'guard_violation', ts, { detail: describeViolations(result.violations), resume: again });
    return withFeedback(stopped, { guard_violation_files: [...new Set(result.violations.map((v) => v.path))] });
  }
  const cleared: RunState = {
    ...withFeedback(state, { guard_violation_files: null }),
    verified_tree: effect.after === 'VERIFY' ? result.tree ?? null : null,
  };
  if (effect.after === 'IMPLEMENT') {
    if (result.empty) return onEmptyImplement(cleared, effect.milestone_index, ts);
    // The milestone changes files: a no_change_reason no longer applies to it.
    return schedule(withFeedback(cleared, { no_change_reason: null }), {
      kind: 'verify', milestone_index: effect.milestone_index, attempt: state.loop.verification_failures + 1,
    });
  }
  if (state.options.fast) return schedule(cleared, { kind: 'checkpoint', milestone_index: effect.milestone_index });
  return schedule(cleared, {
    kind: 'worker', phase: 'REVIEW', milestone_index: effect.milestone_index,
    attempt: state.loop.review_rounds + 1, followup: 0,
  });
}
