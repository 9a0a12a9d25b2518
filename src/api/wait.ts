import type { ExitCode } from '../contracts/exit-codes.js';
import type { WaitOutput } from '../contracts/outputs.js';
import { requireRunState } from '../engine/run-state.js';
import { waitExitCode, waitForTerminal, waitOutputOf, type WaitEnd } from '../engine/wait-run.js';
import { resolveRunArg } from './locate.js';

/** How a wait ended, with what `runr wait --json` prints and the exit code it ends with. */
export type WaitResult = WaitEnd & { output: WaitOutput; exitCode: ExitCode };

/**
 * Waits until a run is terminal (or nobody executes it, or `timeoutMs` passed), wherever it executes (`runr wait`);
 * an aborted `signal` ends the waiting (not the run), rejecting with its reason.
 */
export async function waitForRun(repo: string, runId: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<WaitResult> {
  const found = await resolveRunArg(repo, runId);
  await requireRunState(found.runDir, found.runId);
  const end = await waitForTerminal(found.runDir, opts.timeoutMs ?? null, opts.signal);
  return { ...end, output: waitOutputOf(found.runId, end), exitCode: waitExitCode(end) };
}
