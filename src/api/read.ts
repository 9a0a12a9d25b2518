import type { StatusOutput } from '../contracts/outputs.js';
import { loadState } from '../engine/load-state.js';
import { requireRunState } from '../engine/run-state.js';
import { buildStatus } from '../engine/status.js';
import { liveness } from '../store/lease.js';
import { listRunIds } from '../store/list-runs.js';
import { runDirOf } from '../store/paths.js';
import type { RunUpdate } from './events.js';
import { resolveRepo, resolveRunArg } from './locate.js';

// A run's report and waiting for a run are api/report.ts and api/wait.ts: `runr status` does not load their engine modules.

/** The run directory of a run id (or `latest`) in the repository `repo` lies in. */
export async function runDirFor(repo: string, runId: string): Promise<string> {
  return (await resolveRunArg(repo, runId)).runDir;
}

/** A run's status, as `runr status <id> --json` prints it. */
export async function runStatus(repo: string, runId: string): Promise<StatusOutput> {
  const found = await resolveRunArg(repo, runId);
  return buildStatus(await requireRunState(found.runDir, found.runId), liveness(found.runDir));
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

/** A run's journal events from the first, with the state each led to, until it is terminal (`runr follow --json`). */
export async function* followRunEvents(repo: string, runId: string): AsyncGenerator<RunUpdate> {
  // Loaded only here: the state machine it replays with is not needed by the other reads (start-up of `runr status`).
  const { eventsOf } = await import('./events.js');
  yield* eventsOf(await runDirFor(repo, runId));
}
