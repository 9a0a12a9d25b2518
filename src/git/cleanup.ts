import fs from 'node:fs';
import { gitSucceeds, raw, rawOrNull } from './git.js';

/** Paths with uncommitted changes in a worktree (tracked or untracked, ignored files aside). */
export async function uncommittedPaths(worktree: string): Promise<string[]> {
  if (!fs.existsSync(worktree)) return [];
  const out = await raw(worktree, ['status', '--porcelain', '--untracked-files=all']);
  return out.split('\n').filter(Boolean).map((l) => l.slice(3));
}

/**
 * Commits on `branch` since `base` that no other branch or tag contains: deleting the branch would
 * leave them unreachable. Empty when the branch is gone or fully merged somewhere.
 */
export async function unmergedCommits(repoRoot: string, branch: string, base: string): Promise<string[]> {
  const tip = (await rawOrNull(repoRoot, ['rev-parse', '--verify', '-q', `refs/heads/${branch}`]))?.trim();
  if (!tip) return [];
  const others = (await raw(repoRoot, ['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/tags']))
    .split('\n').filter((r) => r && r !== `refs/heads/${branch}`);
  const out = await raw(repoRoot, ['rev-list', tip, `^${base}`, ...others.map((r) => `^${r}`)]);
  return out.split('\n').filter(Boolean);
}

export async function removeWorktree(repoRoot: string, worktree: string): Promise<void> {
  if (fs.existsSync(worktree)) await raw(repoRoot, ['worktree', 'remove', '--force', worktree]);
}

export async function deleteBranch(repoRoot: string, branch: string): Promise<void> {
  await rawOrNull(repoRoot, ['branch', '-D', branch]);
}

export async function deleteRef(repoRoot: string, ref: string): Promise<void> {
  await rawOrNull(repoRoot, ['update-ref', '-d', ref]);
}

export async function refExists(repoRoot: string, ref: string): Promise<boolean> {
  return gitSucceeds(repoRoot, ['rev-parse', '--verify', '-q', ref]);
}

export async function pruneWorktrees(repoRoot: string): Promise<void> {
  await raw(repoRoot, ['worktree', 'prune']);
}
