// Temporary git repositories for the unit tests of runr's git layer and its integrity watch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunState } from '../../src/contracts/state.js';
import { runIndexEnv } from '../../src/git/run-index.js';
import { git } from '../helpers/harness.js';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';

/** A new repository on `main` in `repo` with `files` committed (none: an empty commit); that commit. */
export function initCommitted(repo: string, files: Record<string, string> = {}): string {
  fs.mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(repo, name), text);
  if (Object.keys(files).length) git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
  return git(repo, 'rev-parse', 'HEAD').trim();
}

/** A maker of such repositories, each in a fresh temp dir removed after the test that made it: its path. */
export function committedReposRemovedAfterEach(prefix: string): (files?: Record<string, string>) => string {
  const freshDir = tempDirsRemovedAfterEach(prefix);
  return (files = {}) => {
    const repo = path.join(freshDir(), 'repo');
    initCommitted(repo, files);
    return repo;
  };
}

/** The same in a new temp dir: its path and that commit. */
export function committedRepo(prefix: string, files: Record<string, string> = {}): { repo: string; head: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { repo, head: initCommitted(repo, files) };
}

/**
 * Run r1 as the integrity watch sees it, in `root/repo`: on branch runr/r1 in the repository itself, or
 * with `worktree` in a worktree of its own under .runr/worktrees; its journal, task and own index written.
 */
export function watchedRun(root: string, { worktree = false }: { worktree?: boolean } = {}): RunState {
  const repo = path.join(root, 'repo');
  const head = initCommitted(repo, { 'a.txt': 'a\n' });
  const runDir = path.join(repo, '.runr', 'runs', 'r1');
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(repo, '.git', 'info', 'exclude'), '/.runr/\n');
  const workDir = worktree ? path.join(repo, '.runr', 'worktrees', 'r1') : repo;
  if (worktree) git(repo, 'worktree', 'add', '-q', '-b', 'runr/r1', workDir);
  else git(repo, 'checkout', '-qb', 'runr/r1');
  fs.writeFileSync(path.join(runDir, 'events.ndjson'), '{"seq":1}\n');
  fs.writeFileSync(path.join(runDir, 'task.md'), '# t\n');
  git(workDir, 'read-tree', 'HEAD');
  fs.copyFileSync(path.join(git(workDir, 'rev-parse', '--absolute-git-dir').trim(), 'index'), runIndexEnv(runDir).GIT_INDEX_FILE);
  return {
    run_id: 'r1', repo_root: repo, work_dir: workDir, run_dir: runDir, branch: 'runr/r1', base_sha: head, checkpoint_sha: null,
    config_path: path.join(repo, '.runr', 'runr.config.json'), options: { worktree },
  } as unknown as RunState;
}
