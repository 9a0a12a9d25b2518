import type { ReportOutput, StatusOutput, WaitOutput } from '../contracts/outputs.js';
import type { ExitCode } from '../contracts/exit-codes.js';
import { loadState } from '../engine/load-state.js';
import { requireRunState } from '../engine/run-state.js';
import { buildStatus } from '../engine/status.js';
import type { WaitEnd } from '../engine/wait-run.js';
import { liveness } from '../store/lease.js';
import { listRunIds } from '../store/list-runs.js';
import { runDirOf } from '../store/paths.js';
// Each read imports the engine modules only it needs (report, waiting) when called: `runr status` starts within 1.3× of a bare node (issue 12).
import type { RunUpdate } from './events.js';
import { resolveRepo, resolveRunArg } from './locate.js';

/** The run directory of a run id (or `latest`) in the repository `repo` lies in. */
export async function runDirFor(repo: string, runId: string): Promise<string> {
  return (await resolveRunArg(repo, runId)).runDir;
}

/** A run's status, as `runr status <id> --json` prints it. */
export async function runStatus(repo: string, runId: string): Promise<StatusOutput> {
  const found = await resolveRunArg(repo, runId);
  return buildStatus(await requireRunState(found.runDir, found.runId), liveness(found.runDir));
}

/** A run's report, as `runr report <id> --json` prints it. */
export async function runReport(repo: string, runId: string): Promise<ReportOutput> {
  const found = await resolveRunArg(repo, runId);
  const { buildReport } = await import('../engine/report.js');
  return buildReport(await requireRunState(found.runDir, found.runId), liveness(found.runDir), new Date().toISOString());
}

/**
 * A run's summary.md (`runr report <id> --md`): the file of a terminal run (written first when missing, as for
 * runs from before summaries), or the summary so far of a run not yet terminal (not written).
 */
export async function runSummary(repo: string, runId: string): Promise<string> {
  const found = await resolveRunArg(repo, runId);
  const state = await requireRunState(found.runDir, found.runId);
  // Loaded only here: git and the journal's evidence are not needed by the other reads.
  const { readOrWriteSummary } = await import('../engine/summary-file.js');
  return readOrWriteSummary(state, liveness(found.runDir));
}

/** The repository's run ids, newest first (the first one is `latest`). */
export async function listRuns(repo: string): Promise<string[]> {
  return listRunIds(await resolveRepo(repo));
}

/** The status of every run of the repository, newest first, and the runs that could not be read (`runr status --all --json`). */
export async function allRunStatuses(repo: string): Promise<{ runs: StatusOutput[]; errors: { run_id: string; message: string }[] }> {
  const repoRoot = await resolveRepo(repo);
  const runs: StatusOutput[] = [];
  const errors: { run_id: string; message: string }[] = [];
  for (const id of listRunIds(repoRoot)) {
    const dir = runDirOf(repoRoot, id);
    try {
      const state = await loadState(dir);
      if (state) runs.push(buildStatus(state, liveness(dir)));
    } catch (err) {
      errors.push({ run_id: id, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { runs, errors };
}

/** How a wait ended, with what `runr wait --json` prints and the exit code it ends with. */
export type WaitResult = WaitEnd & { output: WaitOutput; exitCode: ExitCode };

/**
 * Waits until a run is terminal (or nobody executes it, or `timeoutMs` passed), wherever it executes (`runr wait`);
 * an aborted `signal` ends the waiting (not the run), rejecting with its reason.
 */
export async function waitForRun(repo: string, runId: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<WaitResult> {
  const found = await resolveRunArg(repo, runId);
  await requireRunState(found.runDir, found.runId);
  const { waitExitCode, waitForTerminal, waitOutputOf } = await import('../engine/wait-run.js');
  const end = await waitForTerminal(found.runDir, opts.timeoutMs ?? null, opts.signal);
  return { ...end, output: waitOutputOf(found.runId, end), exitCode: waitExitCode(end) };
}

/** A run's journal events from the first, with the state each led to, until it is terminal (`runr follow --json`). */
export async function* followRunEvents(repo: string, runId: string): AsyncGenerator<RunUpdate> {
  // Loaded only here: the state machine it replays with is not needed by the other reads (start-up of `runr status`).
  const { eventsOf } = await import('./events.js');
  yield* eventsOf(await runDirFor(repo, runId));
}
