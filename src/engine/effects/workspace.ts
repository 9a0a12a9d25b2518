import path from 'node:path';
import type { ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { gitRefusesPath } from '../../guard/index.js';
import { RUN_FILES } from '../../store/paths.js';
import { raw } from '../../git/git.js';
import { branchSha, checkout, createBranch, createWorktree, currentBranch, excludeRunrDir, headSha } from '../../git/repo.js';
import { discardPaths, findCheckpointAt, findWip, restoreWip, saveWip } from '../../git/checkpoint.js';
import { isAncestor } from '../../git/refs.js';
import { filesSay } from '../../git/ref-files.js';
import { ensureRunIndex, resetIndexToHead } from '../../git/run-index.js';
import { killLeftoverChildren } from './children.js';
import { expectedHead, runChanges } from './context.js';

export type BranchCheck =
  | { ok: true; head: string; /** the milestone (1-based) of a checkpoint committed just before a crash */ crashMade: number | null }
  | { ok: false; detail: string };

/** Checks the run branch still ends at the last checkpoint, or at a checkpoint made on it just before a crash. */
export async function branchCheck(state: RunState): Promise<BranchCheck> {
  const expected = expectedHead(state);
  if (await filesSay(state.repo_root, { branch: state.branch }, expected)) return { ok: true, head: expected, crashMade: null };
  const head = await branchSha(state.repo_root, state.branch);
  if (!head) return { ok: false, detail: `branch ${state.branch} no longer exists` };
  if (head === expected) return { ok: true, head, crashMade: null };
  const made = await findCheckpointAt(state.repo_root, head, state.run_id);
  if (made?.parent === expected) return { ok: true, head, crashMade: made.milestone };
  return { ok: false, detail: `branch ${state.branch} points at ${head.slice(0, 12)}, expected ${expected.slice(0, 12)}` };
}

/**
 * Only runr commits on the run branch. Commits a worker made on top of the last checkpoint are undone
 * (soft reset: their changes stay in the tree), so the scope guard, verification and review see them.
 */
export async function uncommitWorkerCommits(state: RunState): Promise<void> {
  const expected = expectedHead(state);
  if (await filesSay(state.work_dir, 'HEAD', expected)) return;
  const head = await headSha(state.work_dir);
  if (!head || head === expected) return;
  if (!(await isAncestor(state.work_dir, expected, head))) return;
  await raw(state.work_dir, ['reset', '--soft', expected]);
}

/** Enters the run's workspace at the start of every session (run or resume). */
export async function prepareWorkspace(state: RunState): Promise<ResultOf<'prepare_workspace'>> {
  killLeftoverChildren(state.run_dir);
  await excludeRunrDir(state.repo_root);
  if (state.options.worktree) {
    await createWorktree(state.repo_root, state.work_dir, state.branch, state.base_sha);
    const onBranch = await currentBranch(state.work_dir);
    if (onBranch !== state.branch) {
      return { kind: 'prepare_workspace', ok: false, stop: 'branch_mismatch', detail: `the worktree ${state.work_dir} is on ${onBranch ?? 'a detached HEAD'}, not ${state.branch}` };
    }
  } else if ((await currentBranch(state.repo_root)) !== state.branch) {
    await createBranch(state.repo_root, state.branch, state.base_sha);
    await checkout(state.repo_root, state.branch);
    if (state.wip_ref) await restoreWip(state.repo_root, state.wip_ref);
  }
  const check = await branchCheck(state);
  if (!check.ok) return { kind: 'prepare_workspace', ok: false, stop: 'branch_mismatch', detail: check.detail };
  // Before the first worker call, the worktree's index is git's and the user's own and may be copied.
  await ensureRunIndex(state.work_dir, state.run_dir, check.head, state.session.number === 1 && state.stats.ticks === 0);
  return { kind: 'prepare_workspace', ok: true, head_sha: check.head };
}

/**
 * At a stop: a worktree is left as it is (the work stays there). A run in the repo itself saves its
 * uncommitted work under refs/runr/wip/<id> and returns the user to the branch they were on.
 */
export async function finalizeWorkspace(state: RunState): Promise<ResultOf<'finalize'>> {
  if (state.options.worktree) return { kind: 'finalize', wip_ref: null };
  // After tampering, the repository's git config and hooks are not the user's any more: runr runs no
  // git command there that could run them (status, reset and checkout run filters), and leaves it as it is.
  if (state.stop_reason === 'worker_tampered') return { kind: 'finalize', wip_ref: null };
  if ((await currentBranch(state.repo_root)) === state.branch) {
    const { changes } = await runChanges(state);
    // Names git refuses on some system (`.GIT`, `git~1`) never go into a ref, even one only runr reads.
    const savable = changes.map((c) => c.path).filter((p) => !gitRefusesPath(p));
    if (savable.length > 0) await saveWip(state.repo_root, state.run_id, savable);
    // Whatever a worker staged stays on the run branch's side: the user's branch gets an index at its own HEAD.
    await resetIndexToHead(state.repo_root);
    if (changes.length > 0) await discardPaths(state.repo_root, changes, path.join(state.run_dir, RUN_FILES.keptDirs));
    await checkout(state.repo_root, state.base_branch ?? state.base_sha);
  }
  // Whatever is saved under the wip ref, also when a crash cut an earlier clean-up short after it saved
  // the work and before its result was journaled (the next resume restores it).
  return { kind: 'finalize', wip_ref: await findWip(state.repo_root, state.run_id) };
}
