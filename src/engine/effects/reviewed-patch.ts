import type { RunState } from '../../contracts/state.js';
import { treeFromDisk, treePatch } from '../../git/verified-tree.js';
import { expectedHead, runChanges } from './context.js';

/** The milestone's patch: from the last checkpoint to the verified tree (built from disk for a run verified before runr recorded it). */
export async function reviewedPatch(state: RunState): Promise<string> {
  let tree = state.verified_tree ?? null;
  if (!tree) {
    const { changes } = await runChanges(state);
    const built = await treeFromDisk(state.work_dir, expectedHead(state), changes.map((c) => c.path));
    tree = built.ok ? built.tree : expectedHead(state);
  }
  return treePatch(state.work_dir, expectedHead(state), tree);
}
