import type { RunState } from '../contracts/state.js';
import { readFreshState } from '../store/state-file.js';
import { locateState } from '../store/run-location.js';

/**
 * A run's state for reading: the fresh cache, or (loading the machine only then) a replay of the
 * journal; its paths resolved where the run directory is.
 */
export async function loadState(runDir: string): Promise<RunState | null> {
  const cached = readFreshState(runDir);
  if (cached) return locateState(cached, runDir);
  const { rebuildState } = await import('./run-store.js');
  const { state } = rebuildState(runDir);
  return state && locateState(state, runDir);
}
