import fs from 'node:fs';
import type { GcOutput } from '../contracts/outputs.js';
import { deleteBranch, deleteRef, pruneWorktrees, refExists, removeWorktree, uncommittedPaths, unmergedCommits } from '../git/cleanup.js';
import { wipRefOf } from '../git/checkpoint.js';
import { listRunIds } from '../store/list-runs.js';
import { loadState } from './load-state.js';
import { runDirOf } from '../store/paths.js';
import { isTerminal } from './describe.js';
import { configRefOf } from '../git/run-branch.js';

export interface GcOptions {
  repoRoot: string;
  olderThanDays: number;
  dryRun: boolean;
}

/**
 * Removes what finished runs leave behind: their worktrees and run directories, and their branches
 * when every checkpoint on them is merged somewhere. Never touches a run that is not finished, a
 * worktree with uncommitted changes, or work saved under refs/runr/wip (SPEC §6).
 */
export async function collectGarbage(opts: GcOptions): Promise<GcOutput> {
  const out: GcOutput = { dry_run: opts.dryRun, removed: [], kept: [] };
  const cutoff = Date.now() - opts.olderThanDays * 86_400_000;
  for (const runId of listRunIds(opts.repoRoot)) {
    const runDir = runDirOf(opts.repoRoot, runId);
    const keep = (reason: string) => out.kept.push({ run_id: runId, reason });
    const state = await loadState(runDir).catch(() => null);
    if (!state) { keep('its state cannot be read'); continue; }
    if (!isTerminal(state)) { keep(`not finished (${state.phase})`); continue; }
    if (Date.parse(state.ended_at ?? state.updated_at) > cutoff) { keep(`finished less than ${opts.olderThanDays} days ago`); continue; }
    if (await refExists(opts.repoRoot, wipRefOf(runId))) { keep(`uncommitted work is saved under ${wipRefOf(runId)}`); continue; }
    const ownWorktree = state.options.worktree && fs.existsSync(state.work_dir);
    const dirty = ownWorktree ? await uncommittedPaths(state.work_dir) : [];
    if (dirty.length) { keep(`its worktree has uncommitted changes (${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ', …' : ''})`); continue; }

    const unmerged = await unmergedCommits(opts.repoRoot, state.branch, state.base_sha);
    if (!opts.dryRun) {
      if (ownWorktree) await removeWorktree(opts.repoRoot, state.work_dir);
      if (!unmerged.length) await deleteBranch(opts.repoRoot, state.branch);
      fs.rmSync(runDir, { recursive: true, force: true });
      await deleteRef(opts.repoRoot, configRefOf(runId));
    }
    out.removed.push({
      run_id: runId,
      worktree_removed: ownWorktree,
      branch_deleted: unmerged.length === 0,
      branch_kept: unmerged.length ? state.branch : null,
    });
  }
  if (!opts.dryRun) await pruneWorktrees(opts.repoRoot);
  return out;
}
