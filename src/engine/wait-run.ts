import type { WaitOutput } from '../contracts/outputs.js';
import type { RunState } from '../contracts/state.js';
import { EXIT, type ExitCode } from '../contracts/exit-codes.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { liveness } from '../store/lease.js';
import { observeRun } from '../store/watch-run.js';
import { isTerminal, milestonesCompleted } from './describe.js';
import { loadState } from './load-state.js';

export type WaitEnd =
  | { end: 'terminal'; state: RunState }
  | { end: 'timeout'; state: RunState | null }
  | { end: 'stale'; state: RunState | null };

/**
 * Resolves when the run is terminal and its executor has let go of it (so it can be resumed at once), noticed
 * through file events on its directory; on timeout; or when it is stale. It
 * rejects with the signal's reason once `signal` is aborted (the run goes on).
 */
export async function waitForTerminal(runDir: string, timeoutMs: number | null, signal?: AbortSignal): Promise<WaitEnd> {
  let state: RunState | null = null;
  const end = await observeRun(runDir, async () => {
    state = await loadState(runDir);
    return state !== null && isTerminal(state) && !liveness(runDir).alive;
  }, timeoutMs, signal);
  if (end === 'done') return { end: 'terminal', state: state! };
  return { end, state: end === 'timeout' ? await loadState(runDir) : state };
}

/** How a wait ended, as `runr wait --json` prints it. */
export function waitOutputOf(runId: string, end: WaitEnd): WaitOutput {
  const state = end.state;
  return {
    run_id: runId,
    phase: state?.phase ?? 'PLAN',
    stop_reason: state?.stop_reason ?? null,
    milestones_completed: state ? milestonesCompleted(state) : 0,
    ...(end.end === 'timeout' ? { timed_out: true as const } : {}),
    ...(end.end === 'stale' ? { stale: true as const } : {}),
  };
}

/** `runr wait`'s exit code: the run's own (0 complete), 124 on timeout, 1 when nobody executes the run. */
export function waitExitCode(end: WaitEnd): ExitCode {
  if (end.end === 'timeout') return EXIT.timedOut;
  return end.end === 'stale' ? EXIT.stopped : exitCodeFor(end.state.stop_reason);
}
