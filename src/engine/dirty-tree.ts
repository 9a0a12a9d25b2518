import { listChanges } from '../git/changes.js';
import { isToolCache } from '../guard/index.js';
import { usageError } from '../contracts/errors.js';

/** Uncommitted paths of a working tree that count as the user's own work: tool caches and `except` left out. */
export async function dirtyPaths(cwd: string, except: readonly string[] = []): Promise<string[]> {
  const skip = new Set(except);
  return (await listChanges(cwd)).map((c) => c.path).filter((p) => !isToolCache(p) && !skip.has(p));
}

/** The operator guide's "Worktree is dirty" error, naming a few of the paths and what to do. */
export function dirtyTreeError(paths: string[], advice: string) {
  const shown = `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`;
  return usageError('dirty_worktree', `Worktree is dirty (${shown}): ${advice}`);
}
