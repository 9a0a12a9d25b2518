import type { RunState } from '../contracts/state.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { loadState } from './load-state.js';

/**
 * A run's state for a command that needs one: a run directory without a journal is "not found" and a
 * journal that cannot be replayed is "unreadable", both exit 3, the same for every command.
 */
export async function requireRunState(runDir: string, runId: string): Promise<RunState> {
  let state: RunState | null;
  try {
    state = await loadState(runDir);
  } catch (err) {
    if (err instanceof RunrError) throw err;
    throw new RunrError('run_unreadable', `Run ${runId} cannot be read: ${err instanceof Error ? err.message : String(err)}`, EXIT.notFound);
  }
  if (!state) throw new RunrError('run_not_found', `Run not found: ${runId} has no journal (it never started)`, EXIT.notFound);
  return state;
}
