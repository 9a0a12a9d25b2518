import path from 'node:path';
import type { RunState } from '../../contracts/state.js';
import { runIndexEnv } from '../../git/run-index.js';
import { checkoutStatus, effectiveConfig, filtersOff, gitDirs, headStateIn, listRefs } from '../../git/refs.js';
import { journalPath, RUN_FILES } from '../../store/paths.js';
import { configRefOf } from '../../git/run-branch.js';
import { refFromFiles } from '../../git/ref-files.js';
import { branchSha } from '../../git/repo.js';
import { fingerprint, fingerprintTree } from './fingerprint.js';
import { configFilesOf, refsStamp, stampOf } from './stamps.js';

/**
 * What a worker (or the verification commands, which run its code) must leave as it was: every
 * ref but runr's own, HEAD of the run's working tree, git's effective config, hooks and info/, the
 * worktree's links to its repository, runr's own files for the run, and in worktree mode the user's
 * checkout. Taken before and after each call (engine/integrity/watch.ts); engine/integrity/compare.ts says what differs.
 */
export interface IntegritySnapshot {
  refs: Record<string, string>;
  ownBranch: string | null;
  workHead: string;
  config: string[];
  files: Record<string, string>;
  checkout: { head: string; paths: Record<string, string> } | null;
  /**
   * The run's git directories and, in worktree mode, your checkout's; read once per run (a worker that
   * repoints `.git` changes a fingerprinted file).
   */
  dirs: { gitDir: string; commonDir: string; checkoutGitDir: string | null };
  /** The files runr itself writes between two calls (its journal and its index), fingerprinted again when a snapshot is carried over. */
  runrWrites: string[];
  /** What `config` and `refs` were read from (integrity/stamps.ts): while the same, the next snapshot takes them over. */
  stamps: { configFiles: string[]; config: string; refs: string | null };
}

/**
 * .git/info/refs: a list for dumb HTTP clients that `git update-server-info` rewrites whenever git
 * repacks, as the `git gc --auto` your own commit starts in the background does. Nothing in it
 * changes what git does in this repository.
 */
const SERVER_INFO = ['refs'];

/**
 * Refs left out: runr's own namespaces (each run checks its own branch itself, and other runs move
 * theirs) and remote-tracking refs (a fetch moves them).
 */
const UNWATCHED_NAMESPACES = ['refs/heads/runr', 'refs/runr', 'refs/remotes'];

function unwatched(ref: string, state: RunState): boolean {
  if (ref === configRefOf(state.run_id)) return false;
  return UNWATCHED_NAMESPACES.some((ns) => ref.startsWith(`${ns}/`));
}

/**
 * `journalAsLeft`: whether the journal is as runr last wrote it. Given, the journal counts as unchanged
 * while that holds, though runr appended to it during the call (worker_activity); else its fingerprint must stay.
 */
export async function takeSnapshot(
  state: RunState,
  journalAsLeft?: () => boolean,
  knownDirs?: IntegritySnapshot['dirs'],
  /**
   * The snapshot this one follows: its config and refs are taken over while their stamps hold, and with
   * `keepCheckout`, its look at the files of your checkout (nothing happened there: its file events say so).
   */
  previous?: { snapshot: IntegritySnapshot; keepCheckout: boolean },
): Promise<IntegritySnapshot> {
  const work = state.work_dir;
  const dirs = knownDirs ?? (await runGitDirs(state));
  const unwatchedDirs = UNWATCHED_NAMESPACES.map((ns) => path.join(dirs.commonDir, ns));
  const configRefFile = path.join(dirs.commonDir, configRefOf(state.run_id));
  const refsNow = refsStamp(dirs, unwatchedDirs, [configRefFile]);
  const last = previous?.snapshot;
  const configStamp = last ? stampOf(last.stamps.configFiles) : null;
  const configKept = last !== undefined && configStamp === last.stamps.config;
  const configAndCheckout = (configKept ? Promise.resolve(last.config) : effectiveConfig(work)).then(async (config) => ({
    config,
    checkout: !dirs.checkoutGitDir ? null
      : previous?.keepCheckout && previous.snapshot.checkout ? { ...previous.snapshot.checkout, head: await headStateIn(state.repo_root, dirs.checkoutGitDir) }
      : await userCheckout(state.repo_root, dirs.checkoutGitDir, filtersOff(config)),
  }));
  const refsKept = last && refsNow !== null && refsNow === last.stamps.refs;
  const [refs, workHead, { config, checkout }] = await Promise.all([
    refsKept ? null : listRefs(work), headStateIn(work, dirs.gitDir), configAndCheckout,
  ]);
  const files: Record<string, string> = {};
  fingerprintTree(path.join(dirs.commonDir, 'hooks'), files);
  fingerprintTree(path.join(dirs.commonDir, 'info'), files, SERVER_INFO);
  const hooksPath = config.map((l) => /^core\.hookspath=(.*)  \(/i.exec(l)?.[1]).find(Boolean);
  if (hooksPath) fingerprintTree(path.resolve(work, hooksPath), files);
  const own = [path.join(dirs.commonDir, 'config'), state.config_path, journalPath(state.run_dir), path.join(state.run_dir, RUN_FILES.task), runIndexEnv(state.run_dir).GIT_INDEX_FILE];
  if (dirs.gitDir !== dirs.commonDir) {
    own.push(path.join(work, '.git'), ...['commondir', 'gitdir', 'config.worktree'].map((f) => path.join(dirs.gitDir, f)));
  }
  for (const f of own) files[f] = fingerprint(f);
  const kept: Record<string, string> = {};
  if (refs) for (const [ref, sha] of refs) if (!unwatched(ref, state)) kept[ref] = sha;
  const ownBranch = refs ? refs.get(`refs/heads/${state.branch}`) ?? null : refFromFiles(dirs.commonDir, `refs/heads/${state.branch}`) ?? await branchSha(work, state.branch);
  const configFiles = configKept ? last.stamps.configFiles : configFilesOf(config, work, dirs);
  const stamps = { configFiles, config: configKept ? configStamp! : stampOf(configFiles), refs: refsNow };
  const runrWrites = [journalPath(state.run_dir), runIndexEnv(state.run_dir).GIT_INDEX_FILE];
  return withJournal(state, {
    refs: refs ? kept : { ...last!.refs }, ownBranch, workHead, config, files, checkout, dirs, runrWrites, stamps,
  }, journalAsLeft);
}

/**
 * A snapshot taken at the end of one call, as the start of the next: everything as it was then, but
 * the files runr wrote in between (its journal, its index) as they are now. Only runr runs between
 * two calls, so the next call is still compared with exactly what runr left.
 */
export function carriedOver(state: RunState, snapshot: IntegritySnapshot, journalAsLeft?: () => boolean): IntegritySnapshot {
  const files = { ...snapshot.files };
  for (const f of snapshot.runrWrites) files[f] = fingerprint(f);
  return withJournal(state, { ...snapshot, files }, journalAsLeft);
}

function withJournal(state: RunState, snapshot: IntegritySnapshot, journalAsLeft?: () => boolean): IntegritySnapshot {
  if (journalAsLeft?.()) snapshot.files[journalPath(state.run_dir)] = 'as runr left it';
  return snapshot;
}

async function runGitDirs(state: RunState): Promise<IntegritySnapshot['dirs']> {
  const [work, checkout] = await Promise.all([gitDirs(state.work_dir), state.options.worktree ? gitDirs(state.repo_root) : null]);
  return { ...work, checkoutGitDir: checkout?.gitDir ?? null };
}

async function userCheckout(repoRoot: string, gitDir: string, config: [string, string][]): Promise<IntegritySnapshot['checkout']> {
  const [head, dirty] = await Promise.all([headStateIn(repoRoot, gitDir), checkoutStatus(repoRoot, config)]);
  const paths: Record<string, string> = {};
  for (const p of dirty) paths[p] = fingerprint(path.join(repoRoot, p));
  return { head, paths };
}
