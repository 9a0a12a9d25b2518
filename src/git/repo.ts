import fs from 'node:fs';
import path from 'node:path';
import { raw, rawOrNull } from './git.js';

export async function headSha(cwd: string): Promise<string | null> {
  return commitOf(cwd, 'HEAD');
}

/** The commit a branch, tag or commit id names; null when it names none. */
export async function commitOf(cwd: string, ref: string): Promise<string | null> {
  if (ref.startsWith('-')) return null;
  return (await rawOrNull(cwd, ['rev-parse', '--verify', '-q', `${ref}^{commit}`]))?.trim() || null;
}

export async function currentBranch(cwd: string): Promise<string | null> {
  return (await rawOrNull(cwd, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim() || null;
}

export async function branchSha(cwd: string, branch: string): Promise<string | null> {
  return commitOf(cwd, `refs/heads/${branch}`);
}

/** Keeps `.runr/` out of the project's own `git status` without touching tracked files. */
export async function excludeRunrDir(repoRoot: string): Promise<void> {
  const common = (await raw(repoRoot, ['rev-parse', '--git-common-dir'])).trim();
  const infoDir = path.resolve(repoRoot, common, 'info');
  const exclude = path.join(infoDir, 'exclude');
  const text = fs.existsSync(exclude) ? fs.readFileSync(exclude, 'utf8') : '';
  if (text.split('\n').some((l) => l.trim() === '/.runr/' || l.trim() === '.runr/')) return;
  fs.mkdirSync(infoDir, { recursive: true });
  fs.appendFileSync(exclude, `${text && !text.endsWith('\n') ? '\n' : ''}# runr's run data and worktrees\n/.runr/\n`);
}

/**
 * What git says when another process is adding a worktree at the same instant: its admin directory
 * (`.git/worktrees/<name>/`) exists but is not written yet. Harmless; tried again a moment later.
 */
const HALF_MADE_WORKTREE = /failed to read \S*worktrees\/[^/\s]+\/(?:commondir|gitdir)/;
const WORKTREE_ATTEMPTS = 5;

export async function createWorktree(repoRoot: string, worktreePath: string, branch: string, base: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await addWorktree(repoRoot, worktreePath, branch, base);
    } catch (err) {
      if (attempt >= WORKTREE_ATTEMPTS || !HALF_MADE_WORKTREE.test(String((err as Error).message))) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 50));
    }
  }
}

async function addWorktree(repoRoot: string, worktreePath: string, branch: string, base: string): Promise<void> {
  if (fs.existsSync(path.join(worktreePath, '.git'))) return;
  fs.mkdirSync(path.dirname(worktreePath), { recursive: true });
  // A worktree whose directory was deleted is still registered: --force re-adds it at its path. Not
  // `git worktree prune`: run by one process while another adds its own worktree, prune can delete that
  // one's half-made admin directory (runs starting at once then fail).
  const listed = (await raw(repoRoot, ['worktree', 'list', '--porcelain'])).split('\n');
  const force = listed.includes(`worktree ${worktreePath}`) ? ['--force'] : [];
  const exists = await branchSha(repoRoot, branch);
  const args = exists ? ['worktree', 'add', ...force, worktreePath, branch] : ['worktree', 'add', ...force, '-b', branch, worktreePath, base];
  await raw(repoRoot, args);
}

export async function createBranch(cwd: string, branch: string, base: string): Promise<void> {
  if (!(await branchSha(cwd, branch))) await raw(cwd, ['branch', branch, base]);
}

export async function checkout(cwd: string, ref: string): Promise<void> {
  await raw(cwd, ['checkout', '-q', ref]);
}
