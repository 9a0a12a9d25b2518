import fs from 'node:fs';
import path from 'node:path';

/**
 * The top of the git working tree containing `dir`: the nearest directory holding a real `.git` (a
 * directory with a HEAD, or a `gitdir:` file in worktrees and submodules). Found without spawning
 * git, so read-only commands start fast. An empty `.git` is not a repository: Codex's sandbox, for
 * one, creates `/tmp/.git` as a mount point while its commands run.
 */
export function findRepoRoot(dir: string): string | null {
  let current = path.resolve(dir);
  if (!fs.existsSync(current)) return null;
  current = fs.realpathSync(current);
  for (;;) {
    if (isGitDir(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function isGitDir(dotGit: string): boolean {
  try {
    if (fs.statSync(dotGit).isDirectory()) return fs.existsSync(path.join(dotGit, 'HEAD'));
    return fs.readFileSync(dotGit, 'utf8').startsWith('gitdir:');
  } catch {
    return false;
  }
}
