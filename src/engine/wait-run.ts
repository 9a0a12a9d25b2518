import type { RunState } from '../contracts/state.js';
import { observeRun } from '../store/watch-run.js';
import { isTerminal } from './describe.js';
import { loadState } from './load-state.js';

export type WaitEnd =
  | { end: 'terminal'; state: RunState }
  | { end: 'timeout'; state: RunState | null }
  | { end: 'stale'; state: RunState | null };

/**
 * Resolves when the run is terminal (noticed through file events on its directory), on timeout, or when it is stale;
 * rejects with the signal's reason once `signal` is aborted (the run goes on).
 */
export async function waitForTerminal(runDir: string, timeoutMs: number | null, signal?: AbortSignal): Promise<WaitEnd> {
  let state: RunState | null = null;
  const end = await observeRun(runDir, async () => {
    state = await loadState(runDir);
    return state !== null && isTerminal(state);
  }, timeoutMs, signal);
  if (end === 'done') return { end: 'terminal', state: state! };
  return { end, state: end === 'timeout' ? await loadState(runDir) : state };
}
