import { readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isOutsideRepo, normalizeRepoPath } from './scope.js';

const MAX_HOPS = 40;

/** A link text that is absolute on Windows (`C:\x`, `C:x`, `\\server\share`): never inside the worktree. */
const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:|[\\/]{2})/;

/**
 * Resolves every symlink in `p`, also when the final target (or part of the chain) does not
 * exist: dangling links are followed through readlink. Backslashes in a link text count as
 * separators, as they would on Windows. Null when a link is absolute on Windows.
 */
async function resolveLoose(p: string, hops = 0): Promise<string | null> {
  if (hops > MAX_HOPS) return p;
  try {
    return await realpath(p);
  } catch {
    // fall through: p or something it points to is missing
  }
  const parent = path.dirname(p);
  // Stryker disable next-line ConditionalExpression: realpath('/') cannot fail, so the root never gets here; this only bounds the recursion
  if (parent === p) return p;
  const realParent = await resolveLoose(parent, hops + 1);
  if (realParent === null) return null;
  let target: string;
  try {
    target = await readlink(p);
  } catch {
    // missing, or not a link: keep the name under its resolved parent
    return path.join(realParent, path.basename(p));
  }
  if (WINDOWS_ABSOLUTE.test(target)) return null;
  return resolveLoose(path.resolve(realParent, target.replace(/\\/g, '/')), hops + 1);
}

/**
 * Where `abs` leads, as a normalized path relative to `root` (a realpath): '' for the root
 * itself, null when it leads outside.
 */
export async function resolveInside(root: string, abs: string): Promise<string | null> {
  const resolved = await resolveLoose(abs);
  if (resolved === null) return null;
  const rel = normalizeRepoPath(path.relative(root, resolved).split(path.sep).join('/'));
  return path.isAbsolute(rel) || isOutsideRepo(rel) ? null : rel;
}
