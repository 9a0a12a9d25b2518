import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { stop, updateMilestone } from '../state-ops.js';
import { startMilestone } from './plan.js';

/** CHECKPOINT: the verified, reviewed milestone is a commit; then the next milestone or done. */
export function onCheckpointResult(state: RunState, effect: EffectOf<'checkpoint'>, result: ResultOf<'checkpoint'>, ts: string): RunState {
  const { id: _id, ...again } = effect;
  if (!result.ok) return stop(state, result.stop, ts, { detail: result.detail, resume: again });

  const index = effect.milestone_index;
  // A milestone that changed no file has no commit of its own: it is marked empty, with the implementer's reason.
  const next = result.empty
    ? updateMilestone(state, index, { status: 'complete', checkpoint_sha: null, empty: true, no_change_reason: state.feedback.no_change_reason ?? null })
    : { ...updateMilestone(state, index, { status: 'complete', checkpoint_sha: result.sha }), checkpoint_sha: result.sha };
  if (index + 1 < next.milestones.length) return startMilestone(next, index + 1);
  return stop({ ...next, milestone_index: index }, 'complete', ts);
}
