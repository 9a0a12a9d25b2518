import fs from 'node:fs';
import path from 'node:path';

/**
 * The top of the git working tree containing `dir`: the nearest directory holding `.git` (a
 * directory, or a file in worktrees and submodules). Found without spawning git, so read-only
 * commands start fast.
 */
export function findRepoRoot(dir: string): string | null {
  let current = path.resolve(dir);
  if (!fs.existsSync(current)) return null;
  current = fs.realpathSync(current);
  for (;;) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}
