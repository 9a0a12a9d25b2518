import fs from 'node:fs';
import path from 'node:path';
import { gitExec } from './git.js';

/**
 * runr's own index for a run's working tree. The worktree's index belongs to whoever works there:
 * a worker can set skip-worktree or assume-unchanged on a file, or write stat data that hides an
 * edit, and `git status` would believe it. Changes are always listed against this index instead.
 */
export const RUN_INDEX_FILE = 'git-index';

export function runIndexEnv(runDir: string): { GIT_INDEX_FILE: string } {
  return { GIT_INDEX_FILE: path.join(runDir, RUN_INDEX_FILE) };
}

/**
 * Creates the run's index when it has none: a copy of the worktree's index while nothing but the user
 * and git has written it (`trusted`: before the run's first worker call), else HEAD's tree without
 * stat data (the next status then reads every file once). Index flags never carry over.
 */
export async function ensureRunIndex(workDir: string, runDir: string, head: string, trusted: boolean): Promise<void> {
  const env = runIndexEnv(runDir);
  if (fs.existsSync(env.GIT_INDEX_FILE)) return;
  const own = path.resolve(workDir, (await gitExec(workDir, ['rev-parse', '--git-path', 'index'])).stdout.trim());
  if (trusted && fs.existsSync(own)) {
    fs.copyFileSync(own, env.GIT_INDEX_FILE);
    await clearIndexFlags(workDir, env);
  } else {
    await gitExec(workDir, ['read-tree', head], { env });
  }
}

/** Drops skip-worktree and assume-unchanged from every entry, so that git compares those files too. */
async function clearIndexFlags(workDir: string, env: Record<string, string>): Promise<void> {
  const { stdout } = await gitExec(workDir, ['ls-files', '-v', '-z'], { env });
  const flagged = stdout.split('\0').filter((e) => /^([a-z]|S) /.test(e)).map((e) => e.slice(2));
  for (let i = 0; i < flagged.length; i += 200) {
    await gitExec(workDir, ['update-index', '--no-skip-worktree', '--no-assume-unchanged', '--', ...flagged.slice(i, i + 200)], { env });
  }
}

/** Brings an index to HEAD (after a checkpoint), keeping the stat data of files that did not change. */
export async function resetIndexToHead(workDir: string, env: Record<string, string> = {}): Promise<void> {
  await gitExec(workDir, ['reset', '-q'], { env });
}

/**
 * Brings an index to HEAD (or `commit`) without touching anything else: `read-tree --reset` keeps the stat data of
 * entries whose content HEAD still has and drops unmerged ones. Unlike `git reset` it writes no
 * ORIG_HEAD, so the worktree's index and runr's can be brought there at once.
 */
export async function indexToHead(workDir: string, env: Record<string, string> = {}, commit = 'HEAD'): Promise<void> {
  await gitExec(workDir, ['read-tree', '--reset', commit], { env });
}
