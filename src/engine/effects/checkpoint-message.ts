import type { RunState } from '../../contracts/state.js';
import { checkpointTrailer } from '../../git/checkpoint.js';

/** The message of milestone `index`'s checkpoint commit: its goal, the run, what verified it, runr's trailer. */
export function checkpointMessage(state: RunState, index: number): string {
  const milestone = state.milestones[index];
  return [
    `runr: ${milestone?.goal ?? state.task.title}`.slice(0, 200),
    '',
    `Milestone ${index + 1}/${state.milestones.length} of run ${state.run_id}: ${state.task.title}`,
    `Verified by: ${[...state.config.verification.tier0, ...state.config.verification.tier1, ...state.config.verification.tier2].join('; ') || '(no verification commands)'}`,
    '',
    checkpointTrailer(state.run_id, index),
    '',
  ].join('\n');
}
