import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { gitRefusesPath } from './filenames.js';
import { resolveInside } from './resolve.js';
import type { ViolationRule } from '../contracts/violations.js';
import type { ChangedPath, CompiledScope, Violation } from './scope.js';
import { classifyLinkTarget, isOutsideRepo, normalizeRepoPath } from './scope.js';

/** How many entries under a linked directory are looked at, breadth first, before giving up. */
const MAX_LINKED_ENTRIES = 10_000;

/** Whether `dir` (repo-relative) holds a path a link to it must not expose. */
async function holdsDenied(workDir: string, scope: CompiledScope, dir: string): Promise<boolean> {
  const queue = [dir];
  let seen = 0;
  for (let next = queue.shift(); next !== undefined && seen < MAX_LINKED_ENTRIES; next = queue.shift()) {
    let entries;
    try {
      entries = await readdir(path.join(workDir, next), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const rel = `${next}/${entry.name}`;
      if (classifyLinkTarget(scope, rel) !== null) return true;
      if (entry.isDirectory()) queue.push(rel);
      if (++seen >= MAX_LINKED_ENTRIES) break;
    }
  }
  return false;
}

/** The first symlink among `rel` and its parent directories, as a repo-relative path; null when none or missing. */
async function firstSymlink(workDir: string, rel: string): Promise<string | null> {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    try {
      if ((await lstat(path.join(workDir, prefix))).isSymbolicLink()) return prefix;
    } catch {
      return null; // missing
    }
  }
  return null;
}

async function isDirectory(abs: string): Promise<boolean> {
  try {
    return (await lstat(abs)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(abs: string): Promise<boolean> {
  try {
    await lstat(abs);
    return true;
  } catch {
    return false;
  }
}

/** A new directory holding .git is a nested repository: git would commit it as a bare gitlink. */
async function isNewRepository(workDir: string, change: ChangedPath, rel: string): Promise<boolean> {
  if (change.status !== 'added' && change.status !== 'untracked') return false;
  return (await isDirectory(path.join(workDir, rel))) && (await exists(path.join(workDir, rel, '.git')));
}

async function verdict(workDir: string, root: string, scope: CompiledScope, change: ChangedPath, rel: string): Promise<ViolationRule | null> {
  const link = await firstSymlink(workDir, rel);
  if (link === null) return (await isNewRepository(workDir, change, rel)) ? 'always_denied' : null;
  if (link === rel && gitRefusesPath(rel, { symlink: true })) return 'always_denied';
  const target = await resolveInside(root, path.join(workDir, rel));
  if (target === null) return 'symlink_escape';
  if (classifyLinkTarget(scope, target) !== null) return 'symlink_to_denied';
  const exposes = (await isDirectory(path.join(root, target))) && (await holdsDenied(root, scope, target));
  return exposes ? 'symlink_to_denied' : null;
}

/**
 * The symlink rules (SPEC §6), read from the files themselves. For each changed path that is a
 * symlink or lies under one, followed to its end (dangling links too): `symlink_escape` when it
 * leads outside workDir; `symlink_to_denied` when it leads to a path the scope denies
 * (always-denied, denylisted, a lockfile without allowDeps, protected, the worktree root) or to a
 * directory holding one; `always_denied` for a link name git refuses (`.gitmodules`). A new
 * directory holding `.git` is `always_denied` too. Deleted and missing paths are skipped; paths
 * outside the repo by name are left to the scope rules.
 */
export async function findLinkViolations(workDir: string, scope: CompiledScope, changes: ChangedPath[]): Promise<Violation[]> {
  const root = await realpath(workDir);
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const change of changes) {
    const rel = normalizeRepoPath(change.path);
    if (change.status === 'deleted' || rel === '' || isOutsideRepo(rel) || seen.has(rel)) continue;
    seen.add(rel);
    const rule = await verdict(workDir, root, scope, change, rel);
    if (rule !== null) violations.push({ path: rel, rule });
  }
  return violations;
}
