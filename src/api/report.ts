import type { ReportOutput } from '../contracts/outputs.js';
import { buildReport } from '../engine/report.js';
import { requireRunState } from '../engine/run-state.js';
import { liveness } from '../store/lease.js';
import { resolveRunArg } from './locate.js';

/** A run's report, as `runr report <id> --json` prints it. */
export async function runReport(repo: string, runId: string): Promise<ReportOutput> {
  const found = await resolveRunArg(repo, runId);
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
