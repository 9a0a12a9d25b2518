import type { RunState } from '../contracts/state.js';
import { readFreshState } from '../store/state-file.js';

/** A run's state for reading: the fresh cache, or (loading the machine only then) a replay of the journal. */
export async function loadState(runDir: string): Promise<RunState | null> {
  const cached = readFreshState(runDir);
  if (cached) return cached;
  const { rebuildState } = await import('./run-store.js');
  return rebuildState(runDir).state;
}
