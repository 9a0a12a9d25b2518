import { liveness } from '../store/lease.js';
import { listRunIds } from '../store/list-runs.js';
import { runDirOf } from '../store/paths.js';
import { isTerminal } from './describe.js';
import { loadState } from './load-state.js';

/** The newest run of the repository that a live process is executing now, or null. */
export async function newestRunningRunId(repoRoot: string): Promise<string | null> {
  for (const runId of listRunIds(repoRoot)) {
    const runDir = runDirOf(repoRoot, runId);
    const state = await loadState(runDir).catch(() => null);
    if (state && !isTerminal(state) && liveness(runDir).alive) return runId;
  }
  return null;
}
