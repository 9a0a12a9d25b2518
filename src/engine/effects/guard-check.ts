import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { compileScope, findAddedSecrets, guardChanges } from '../../guard/index.js';
import { blobBytes } from '../../git/blob-stream.js';
import { commitObject, prebuildTree, refusedOnDisk, treeFromDisk, treeOf, treePatch, type RefusedPath } from '../../git/verified-tree.js';
import { checkpointMessage } from './checkpoint-message.js';
import { forgedObjects } from '../../git/object-check.js';
import { reviewLeavesWorkTree } from './sandbox.js';
import { scopeRules } from '../phases/plan.js';
import { expectedHead, runChanges } from './context.js';
import type { PerformContext } from '../ports/ports.js';
import { uncommitWorkerCommits } from './workspace.js';

/** The real GuardPort: the scope rules and the secret scan over the run's changes, then the tree of what was checked. */
export async function checkScope(effect: EffectOf<'guard'>, ctx: PerformContext): Promise<ResultOf<'guard'>> {
  const { state } = ctx;
  await uncommitWorkerCommits(state);
  const { changes } = await runChanges(state);
  const scoped = await guardChanges(state.work_dir, compileScope(scopeRules(state)), changes);
  const secrets = await findAddedSecrets({
    workDir: state.work_dir, changes, allow: state.config.scope.secrets_allow ?? [],
    before: (p) => blobBytes(state.work_dir, expectedHead(state), p),
  });
  const all = [...scoped, ...secrets.filter((v) => !scoped.some((s) => s.path === v.path))];
  if (all.length) return { kind: 'guard', ok: false, violations: all, changed: changes.length };
  const refusedAs = (refused: RefusedPath[]) => ({
    kind: 'guard' as const, ok: false as const, violations: refused.map((r) => ({ path: r.path, rule: 'always_denied' as const })), changed: changes.length,
  });
  const paths = changes.map((c) => c.path);
  if (effect.after === 'IMPLEMENT') {
    const refused = await refusedOnDisk(state.work_dir, expectedHead(state), paths);
    if (refused.length) return refusedAs(refused);
    // Verification usually leaves these bytes as they are: their tree is built meanwhile, not after it.
    if (paths.length) prebuildTree(state.work_dir, expectedHead(state), paths);
    return { kind: 'guard', ok: true, violations: [], changed: changes.length, tree: null, empty: changes.length === 0 };
  }
  // The bytes on disk as a tree: what verification ran on, and what the reviewer reads and the checkpoint commits.
  const built = await treeFromDisk(state.work_dir, expectedHead(state), paths);
  // The reviewer reads the patch to this tree next: it is made while this result is journaled. A review
  // that cannot write the repository (confined) runs while the checkpoint's commit object is made and its
  // objects are checked.
  if (built.ok) {
    const head = expectedHead(state);
    void treePatch(state.work_dir, head, built.tree).catch(() => {});
    if (reviewLeavesWorkTree(state)) void prebuildCommit(state, effect.milestone_index, head, built.tree, paths).catch(() => {});
  }
  return built.ok ? { kind: 'guard', ok: true, violations: [], changed: changes.length, tree: built.tree } : refusedAs(built.refused);
}

async function prebuildCommit(state: RunState, index: number, head: string, tree: string, paths: string[]): Promise<void> {
  if ((await treeOf(state.work_dir, head)) === tree) return;
  const commit = await commitObject(state.work_dir, { tree, parent: head, message: checkpointMessage(state, index) });
  await forgedObjects(state.work_dir, { commit, tree }, () => paths);
}
