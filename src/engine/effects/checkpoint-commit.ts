import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { checkpointTrailer } from '../../git/checkpoint.js';
import { headStateIn } from '../../git/refs.js';
import { knownGitDirs } from '../../git/ref-files.js';
import { indexToHead, runIndexEnv } from '../../git/run-index.js';
import { commitObject, commitOnBranch, pathsDiffering, treeFromDisk, treeOf } from '../../git/verified-tree.js';
import { runChanges } from './context.js';
import type { PerformContext } from '../ports/ports.js';
import { branchCheck } from './workspace.js';

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
  // The commit of the verified tree is made while the disk is compared with it: it lands on the branch
  // only if the disk still holds that tree, else it is left on no branch.
  const early = verified && verified !== baseTree ? commitObject(state.work_dir, { tree: verified, parent: check.head, message }) : undefined;
  early?.catch(() => {});
  const { changes } = await runChanges(state);
  const built = await treeFromDisk(state.work_dir, check.head, changes.map((c) => c.path));
  if (!built.ok || (verified && built.tree !== verified)) {
    const differing = built.ok && verified ? await pathsDiffering(state.work_dir, verified, built.tree) : built.ok ? [] : built.refused.map((r) => r.path);
    return { kind: 'checkpoint', ok: false, stop: 'worker_tampered', detail: `files changed after verification and review, nothing was committed: ${differing.join(', ')}` };
  }
  // Nothing changed (a milestone the implementer said needs no change): no commit pretends there was work.
  if (built.tree === baseTree) return { kind: 'checkpoint', ok: true, sha: check.head, reused: false, empty: true };
  const made = await commitOnBranch(state.work_dir, { tree: built.tree, parent: check.head, branch: state.branch, message, made: early });
  if (!made.ok) return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: made.detail };
  await syncIndexes(state);
  return { kind: 'checkpoint', ok: true, sha: made.sha, reused: false };
}

function checkpointMessage(state: RunState, index: number): string {
  const milestone = state.milestones[index];
  return [
    `runr: ${milestone?.goal ?? state.task.title}`.slice(0, 200),
    '',
    `Milestone ${index + 1}/${state.milestones.length} of run ${state.run_id}: ${state.task.title}`,
    `Verified by: ${[...state.config.verification.tier0, ...state.config.verification.tier1, ...state.config.verification.tier2].join('; ') || '(no verification commands)'}`,
    '',
    checkpointTrailer(state.run_id, index),
    '',
  ].join('\n');
}

/** After a checkpoint, runr's index and the worktree's own both stand for the new HEAD. */
async function syncIndexes(state: RunState): Promise<void> {
  await Promise.all([indexToHead(state.work_dir, runIndexEnv(state.run_dir)), indexToHead(state.work_dir)]);
}
