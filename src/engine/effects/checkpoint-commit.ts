import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { headStateIn } from '../../git/refs.js';
import { knownGitDirs } from '../../git/ref-files.js';
import { indexToHead, runIndexEnv } from '../../git/run-index.js';
import { commitObject, commitOnBranch, pathsDiffering, treeFromDisk, treeOf } from '../../git/verified-tree.js';
import { runChanges } from './context.js';
import type { PerformContext } from '../ports/ports.js';
import { reviewLeavesWorkTree } from './sandbox.js';
import { forgedObjects } from '../../git/object-check.js';
import { branchCheck } from './workspace.js';
import { checkpointMessage } from './checkpoint-message.js';

/** The real checkpoint: commits exactly the verified tree on the run branch, or says why it cannot. */
export async function commitCheckpoint(effect: EffectOf<'checkpoint'>, ctx: PerformContext): Promise<ResultOf<'checkpoint'>> {
  const { state } = ctx;
  const index = effect.milestone_index;
  const check = await branchCheck(state);
  if (!check.ok) return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: check.detail };
  if (check.crashMade === index + 1) {
    await syncIndexes(state);
    return { kind: 'checkpoint', ok: true, sha: check.head, reused: true };
  }
  if (check.crashMade !== null) {
    return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: `branch ${state.branch} ends in a checkpoint of milestone ${check.crashMade}, not ${index + 1}` };
  }
  const head = await headStateIn(state.work_dir, (await knownGitDirs(state.work_dir)).gitDir);
  if (head !== `refs/heads/${state.branch}`) {
    return { kind: 'checkpoint', ok: false, stop: 'worker_tampered', detail: `HEAD of ${state.work_dir} is ${head}, not ${state.branch}: nothing was committed` };
  }
  const verified = state.verified_tree ?? null;
  const message = checkpointMessage(state, index);
  const baseTree = await treeOf(state.work_dir, check.head);
  // The commit of the verified tree is made (or was, while a confined review ran) while the disk is compared
  // with it: it lands on the branch only if the disk still holds that tree, else on no branch.
  if (verified && verified !== baseTree) commitObject(state.work_dir, { tree: verified, parent: check.head, message }).catch(() => {});
  const reviewedConfined = reviewLeavesWorkTree(state);
  const built = verified && reviewedConfined ? { tree: verified, paths: null } : await diskTree(state, check.head, verified);
  if ('refused' in built) return { kind: 'checkpoint', ok: false, stop: 'worker_tampered', detail: built.refused };
  // Nothing changed (a milestone the implementer said needs no change): no commit pretends there was work.
  if (built.tree === baseTree) return { kind: 'checkpoint', ok: true, sha: check.head, reused: false, empty: true };
  const sha = await commitObject(state.work_dir, { tree: built.tree, parent: check.head, message });
  // Checked while a confined review ran (nothing could write objects then), else now.
  const forged = await forgedObjects(state.work_dir, { commit: sha, tree: built.tree }, () => built.paths ?? pathsDiffering(state.work_dir, baseTree, built.tree), { fresh: !reviewedConfined });
  if (forged.length) {
    const shown = forged.slice(0, 3).join('; ') + (forged.length > 3 ? `; … and ${forged.length - 3} more` : '');
    return { kind: 'checkpoint', ok: false, stop: 'worker_tampered', detail: `git objects of this checkpoint do not hold what their ids say (planted in .git/objects; git fsck lists them), nothing was committed: ${shown}` };
  }
  // Both indexes are brought to the commit while the branch moves to it; back, if it did not.
  const made = await commitOnBranch(state.work_dir, {
    tree: built.tree, parent: check.head, branch: state.branch, message, made: Promise.resolve(sha), meanwhile: (commit) => syncIndexes(state, commit),
  });
  if (!made.ok) {
    await syncIndexes(state, check.head);
    return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: made.detail };
  }
  return { kind: 'checkpoint', ok: true, sha: made.sha, reused: false };
}

/**
 * The tree on disk, when it is the verified one (or there is none): a call that could write the working
 * tree after verification (an unconfined review) may have changed it.
 */
async function diskTree(state: RunState, head: string, verified: string | null): Promise<{ tree: string; paths: string[] } | { refused: string }> {
  const { changes } = await runChanges(state);
  const paths = changes.map((c) => c.path);
  const built = await treeFromDisk(state.work_dir, head, paths);
  if (built.ok && (!verified || built.tree === verified)) return { tree: built.tree, paths };
  const differing = built.ok && verified ? await pathsDiffering(state.work_dir, verified, built.tree) : built.ok ? [] : built.refused.map((r) => r.path);
  return { refused: `files changed after verification and review, nothing was committed: ${differing.join(', ')}` };
}

/** After a checkpoint, runr's index and the worktree's own both stand for the new HEAD (or `commit`). */
async function syncIndexes(state: RunState, commit = 'HEAD'): Promise<void> {
  await Promise.all([indexToHead(state.work_dir, runIndexEnv(state.run_dir), commit), indexToHead(state.work_dir, {}, commit)]);
}
