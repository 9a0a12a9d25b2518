import { gitExec } from './git.js';

export const runBranchOf = (runId: string) => `runr/${runId}`;
/** Where a run's configuration is recorded (engine/integrity/run-config.ts). */
export const configRefOf = (runId: string) => `refs/runr/config/${runId}`;

/**
 * Whether git already knows a run with this id: its branch here or on a remote this clone has
 * fetched, or its recorded configuration (a run whose directory was removed).
 */
async function idKnownToGit(repoRoot: string, runId: string): Promise<boolean> {
  const branch = runBranchOf(runId);
  const { stdout } = await gitExec(repoRoot, [
    'for-each-ref', '--count=1', '--format=%(refname)',
    `refs/heads/${branch}`, `refs/remotes/*/${branch}`, configRefOf(runId),
  ]);
  return stdout.trim() !== '';
}

/**
 * Creates the run branch `runr/<run_id>` at `base`, atomically: `git update-ref` with an empty old
 * value fails when the ref exists, so of two processes claiming one id only one gets the branch.
 * False when the id is taken in git (here, or on a fetched remote); throws when git fails otherwise.
 */
export async function claimRunBranch(repoRoot: string, runId: string, base: string): Promise<boolean> {
  if (await idKnownToGit(repoRoot, runId)) return false;
  const ref = `refs/heads/${runBranchOf(runId)}`;
  const r = await gitExec(repoRoot, ['update-ref', '-m', 'runr: run started', ref, base, ''], { reject: false });
  if (r.exitCode === 0) return true;
  if (await idKnownToGit(repoRoot, runId)) return false;
  throw new Error(`could not create the run branch ${runBranchOf(runId)}: ${r.stderr.trim().split('\n').at(-1) ?? `git exit ${r.exitCode}`}`);
}
