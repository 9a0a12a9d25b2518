import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Violation } from './scope.js';
import { isOutsideRepo, normalizeRepoPath } from './scope.js';

const MAX_HOPS = 40;

/**
 * Resolves every symlink in `p`, also when the final target (or part of the
 * chain) does not exist: dangling links are followed through readlink.
 */
async function resolveLoose(p: string, hops = 0): Promise<string> {
  if (hops > MAX_HOPS) return p;
  try {
    return await realpath(p);
  } catch {
    // fall through: p or something it points to is missing
  }
  const parent = path.dirname(p);
  if (parent === p) return p;
  const realParent = await resolveLoose(parent, hops + 1);
  try {
    const st = await lstat(p);
    if (st.isSymbolicLink()) {
      const target = await readlink(p);
      return resolveLoose(path.resolve(realParent, target), hops + 1);
    }
  } catch {
    // missing: keep the name under its resolved parent
  }
  return path.join(realParent, path.basename(p));
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** True when `rel` itself or one of its parent directories under workDir is a symlink. */
async function hasSymlinkComponent(workDir: string, rel: string): Promise<boolean | null> {
  let current = workDir;
  for (const part of rel.split('/')) {
    current = path.join(current, part);
    try {
      if ((await lstat(current)).isSymbolicLink()) return true;
    } catch {
      return null; // missing
    }
  }
  return false;
}

/**
 * Reports `symlink_escape` for each repo-relative path that is, or lies under,
 * a symlink resolving outside workDir. Missing (deleted) paths are skipped;
 * paths that are outside the repo by name are left to the scope rules.
 */
export async function findSymlinkEscapes(workDir: string, paths: string[]): Promise<Violation[]> {
  const root = await realpath(workDir);
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const raw of paths) {
    const rel = normalizeRepoPath(raw);
    if (rel === '' || isOutsideRepo(rel) || seen.has(rel)) continue;
    seen.add(rel);
    const linked = await hasSymlinkComponent(workDir, rel);
    if (linked !== true) continue;
    const resolved = await resolveLoose(path.join(workDir, rel));
    if (!isInside(root, resolved)) violations.push({ path: rel, rule: 'symlink_escape' });
  }
  return violations;
}
