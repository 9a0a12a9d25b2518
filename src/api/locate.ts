import path from 'node:path';
import { usageError, RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { findRepoRoot } from '../git/find-root.js';
import { listRunIds, resolveRun } from '../store/list-runs.js';

/** The root of the git repository that `repo` (default: the current directory) lies in. */
export async function resolveRepo(repo: string | undefined): Promise<string> {
  const dir = path.resolve(repo ?? '.');
  const root = findRepoRoot(dir);
  if (!root) throw usageError('not_a_git_repo', `${dir} is not inside a git repository (runr needs git; try "git init" or --repo <path>)`);
  return root;
}

/** A run of that repository by id or `latest`; an unknown one is `run_not_found` (exit 3). */
export async function resolveRunArg(repo: string | undefined, runId: string): Promise<{ repoRoot: string; runId: string; runDir: string }> {
  const repoRoot = await resolveRepo(repo);
  const found = resolveRun(repoRoot, runId);
  if (!found.ok) throw new RunrError('run_not_found', found.message, EXIT.notFound);
  return { repoRoot, runId: found.runId, runDir: found.runDir };
}

/**
 * The repository's newest run id (what `latest` names), or with `running` the newest run a live process is
 * executing now (`runr follow` without an id); none is `run_not_found` (exit 3).
 */
export async function latestRunId(repo: string | undefined, opts: { running?: boolean } = {}): Promise<string> {
  const repoRoot = await resolveRepo(repo);
  // Only `runr follow` without an id asks for the running one: the other reads do not load what finds it.
  const runId = opts.running ? await (await import('../engine/running-run.js')).newestRunningRunId(repoRoot) : listRunIds(repoRoot)[0];
  if (runId) return runId;
  throw new RunrError('run_not_found', opts.running
    ? 'No run is executing now: name one (runr follow <run_id>, or latest); runr status --all lists them'
    : `Run not found: there are no runs in ${repoRoot}`, EXIT.notFound);
}
