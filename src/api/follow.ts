import type { ReportOutput } from '../contracts/outputs.js';
import type { RunState } from '../contracts/state.js';
import { EXIT, type ExitCode } from '../contracts/exit-codes.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { buildReport } from '../engine/report.js';
import { requireRunState } from '../engine/run-state.js';
import { followInBackground, type RunUpdate } from './events.js';
import { latestRunId, resolveRunArg } from './locate.js';

export interface FollowResult {
  /** `terminal`: the run ended; `stale`: nobody executes it any more (resume continues it). */
  end: 'terminal' | 'stale';
  state: RunState | null;
  /** The run's report as the following ended (null when it has no state). */
  report: ReportOutput | null;
  /** The exit code `runr follow` ends with: the run's own, 1 when stale. */
  exitCode: ExitCode;
}

/** A run being followed (`runr follow`), wherever it executes. */
export interface RunFollow {
  id: string;
  runDir: string;
  /** The run's journal events from the first, with the state each led to; ends with the following. */
  events(): AsyncIterable<RunUpdate>;
  /** Settles once the run is terminal or stale; rejects when the journal cannot be read or `signal` is aborted. */
  result: Promise<FollowResult>;
}

/**
 * Follows a run: `runId` is a run id, `latest`, or omitted for the newest run a live process is executing
 * (`run_not_found` when none is). The following starts at once, whether or not anyone reads `events()`.
 */
export async function followRun(repo: string, runId?: string, opts: { signal?: AbortSignal } = {}): Promise<RunFollow> {
  const found = await resolveRunArg(repo, runId ?? await latestRunId(repo, { running: true }));
  await requireRunState(found.runDir, found.runId);
  const { updates, end } = followInBackground(found.runDir, opts.signal);
  const result = end.then(({ end, state }): FollowResult => ({
    end,
    state,
    report: state && buildReport(state, { pid: null, alive: false }, new Date().toISOString()),
    exitCode: end === 'stale' ? EXIT.stopped : exitCodeFor(state?.stop_reason),
  }));
  result.catch(() => {}); // the same failure reaches events() readers; an unread result is no unhandled rejection
  return { id: found.runId, runDir: found.runDir, events: () => updates, result };
}
