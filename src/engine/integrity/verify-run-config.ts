import { RunInitSchema, type RunState } from '../../contracts/state.js';
import { RunrError } from '../../contracts/errors.js';
import { EXIT } from '../../contracts/exit-codes.js';
import { taskFileProblem } from '../../task/run-task.js';
import { portableRunInit } from '../../store/run-location.js';
import { differences, fixedPart, readRunConfig } from './run-config.js';

/**
 * Refuses to go on with a run whose journal no longer holds the configuration it started with
 * (scope, verification, options…): someone edited `events.ndjson` outside runr.
 */
export async function assertRunConfigIntact(state: RunState): Promise<void> {
  const taskProblem = taskFileProblem(state.run_dir, state.task);
  if (taskProblem) {
    throw new RunrError('run_tampered', `Run ${state.run_id}: ${taskProblem}, and the run's prompts are built from it, so the run is not resumed. Its checkpoints are on ${state.branch}; start a new run to go on.`, EXIT.notResumable);
  }
  const recorded = await readRunConfig(state.repo_root, state.run_id);
  if (!recorded) return; // started by a runr that did not record it
  const parsed = RunInitSchema.safeParse(recorded);
  const keys = Object.keys(RunInitSchema.shape) as (keyof typeof RunInitSchema.shape)[];
  const current = RunInitSchema.parse(Object.fromEntries(keys.filter((k) => k in state).map((k) => [k, state[k]])));
  // Compared as journaled (paths relative to the repository), so a relocated run directory still matches.
  const changed = parsed.success
    ? differences(fixedPart(portableRunInit(parsed.data)), fixedPart(portableRunInit(current)))
    : ['(the recorded configuration is unreadable)'];
  if (!changed.length) return;
  throw new RunrError(
    'run_tampered',
    `Run ${state.run_id}: its journal no longer matches the configuration it started with (${changed.slice(0, 6).join(', ')}${changed.length > 6 ? ', …' : ''} differ): ${state.run_dir}/events.ndjson was edited outside runr, so the run is not resumed. Its checkpoints are on ${state.branch}; start a new run to go on.`,
    EXIT.notResumable,
  );
}
