import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blobSha1 } from './blob-hash.js';
import { recall } from '../util/recall.js';
import { commitEnv, gitExec } from './git.js';

/** A path runr will not put into a tree, and why. */
export interface RefusedPath {
  path: string;
  reason: string;
}

export type DiskTree = { ok: true; tree: string } | { ok: false; refused: RefusedPath[] };

type Entry = { path: string; mode: string; sha: string | null };

type DiskEntries = { ok: true; entries: Entry[]; files: string[] } | { ok: false; refused: RefusedPath[] };

/**
 * What `paths` are on disk, as tree entries still to hash: a file, a symlink (its target text), a
 * submodule's checked-out commit, or gone. Refuses what no tree can hold (a nested repository, a
 * fifo, a name with a newline). Hashes nothing unless `hashLinks`.
 */
async function diskEntries(workDir: string, base: string, paths: string[], hashLinks: boolean): Promise<DiskEntries> {
  const refused: RefusedPath[] = [];
  const files: string[] = [];
  const entries: Entry[] = [];
  for (const p of [...new Set(paths)]) {
    if (/[\n\0]/.test(p)) { refused.push({ path: p, reason: 'its name holds a newline' }); continue; }
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(workDir, p));
    } catch {
      entries.push({ path: p, mode: '0', sha: null });
      continue;
    }
    if (st.isSymbolicLink()) {
      const sha = hashLinks ? (await gitExec(workDir, ['hash-object', '-w', '--stdin'], { input: fs.readlinkSync(path.join(workDir, p)) })).stdout.trim() : null;
      entries.push({ path: p, mode: '120000', sha });
    } else if (st.isFile()) {
      files.push(p);
      entries.push({ path: p, mode: st.mode & 0o111 ? '100755' : '100644', sha: null });
    } else if (st.isDirectory() && (await isGitlink(workDir, base, p))) {
      // A submodule: its entry is the commit checked out in it.
      const { stdout } = await gitExec(path.join(workDir, p), ['rev-parse', '--verify', 'HEAD']);
      entries.push({ path: p, mode: '160000', sha: stdout.trim() });
    } else {
      refused.push({ path: p, reason: st.isDirectory() ? 'it is a directory (a nested git repository?), not a file' : 'it is not a regular file or a symlink' });
    }
  }
  return refused.length ? { ok: false, refused } : { ok: true, entries, files };
}

/**
 * The paths of `paths` that no tree can hold, looked at on disk without writing anything: the check
 * after IMPLEMENT. The names git itself refuses are the scope guard's (always_denied); treeFromDisk,
 * after VERIFY, still stops at any git refuses beyond those.
 */
export async function refusedOnDisk(workDir: string, base: string, paths: string[]): Promise<RefusedPath[]> {
  const found = await diskEntries(workDir, base, paths, false);
  return found.ok ? [] : found.refused;
}

/**
 * The tree `base` becomes with `paths` as they are on disk, byte for byte: no clean filter, no
 * end-of-line conversion, no attribute applies (hash-object --no-filters), and a symlink is its
 * target text. Built in a throwaway index: writes blobs and one tree object, moves no ref and leaves
 * every index of the worktree alone. What verification ran on is what this tree holds.
 */
export async function treeFromDisk(workDir: string, base: string, paths: string[]): Promise<DiskTree> {
  const found = await diskEntries(workDir, base, paths, true);
  if (!found.ok) return found;
  const { entries, files } = found;
  // The checkpoint builds again the tree the check after VERIFY built, and that check the tree built while
  // verification ran (prebuildTree): when the disk holds the same bytes (hashed here, without git), the
  // same entries on the same base are the same tree, in the same repository, which holds it and its blobs.
  const hashedHere = sameBytesShas(workDir, base, files);
  if (!hashedHere) return buildTree(workDir, base, entries, files);
  const key = treeKey(workDir, base, withShas(entries, hashedHere));
  const known = treesBuilt.get(key) ?? (await treesBuilding.get(key));
  if (known) return { ok: true, tree: known };
  const building = buildTree(workDir, base, entries, files);
  // Another caller may take this tree only if git hashed the bytes hashed here: a file rewritten in between
  // (verification still running) makes it the tree of other bytes.
  const sameAsHere = () => entries.every((e) => !hashedHere.has(e.path) || e.sha === hashedHere.get(e.path));
  const forOthers = building.then((r) => (r.ok && sameAsHere() ? r.tree : null), () => null);
  treesBuilding.set(key, forOthers);
  void forOthers.finally(() => treesBuilding.delete(key));
  return building;
}

/**
 * Starts building the tree of `paths` as they are now, while verification runs: if verification leaves
 * them as they are, the check after it finds the tree built (treeFromDisk). Nothing waits for it and a
 * failure is forgotten; the check builds its own tree whenever the bytes differ.
 */
export function prebuildTree(workDir: string, base: string, paths: string[]): void {
  void treeFromDisk(workDir, base, paths).catch(() => {});
}

/** hash-object, then the entries on `base` in a temporary index, then write-tree. */
async function buildTree(workDir: string, base: string, entries: Entry[], files: string[]): Promise<DiskTree> {
  if (files.length) {
    const { stdout } = await gitExec(workDir, ['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: `${files.join('\n')}\n` });
    const shas = stdout.trim().split('\n');
    withShas(entries, new Map(files.map((f, i) => [f, shas[i] ?? ''])));
  }
  const key = treeKey(workDir, base, entries);
  const known = treesBuilt.get(key);
  if (known) return { ok: true, tree: known };
  const baseIndex = indexOfBase(workDir, base);
  return withTempIndex(async (env) => {
    if (baseIndex) fs.writeFileSync(env.GIT_INDEX_FILE, baseIndex);
    else await gitExec(workDir, ['read-tree', base], { env });
    const update = await gitExec(workDir, ['update-index', '-z', '--index-info'], { env, input: indexInfo(entries, base), reject: false });
    if (update.exitCode !== 0) return { ok: false, refused: refusedBy(update.stderr, entries) };
    const tree = (await gitExec(workDir, ['write-tree'], { env })).stdout.trim();
    remember(treesBuilt, key, tree);
    remember(indexesOfTrees, `${workDir}\0${tree}`, fs.readFileSync(env.GIT_INDEX_FILE));
    return { ok: true, tree };
  });
}

const indexInfo = (entries: Entry[], base: string) => entries.map((e) => `${e.mode} ${e.sha ?? '0'.repeat(base.length)}\t${e.path}\0`).join('');
const treeKey = (workDir: string, base: string, entries: Entry[]) => `${workDir}\0${base}\0${indexInfo(entries, base)}`;

function withShas(entries: Entry[], byPath: Map<string, string>): Entry[] {
  for (const e of entries) if (e.mode === '100644' || e.mode === '100755') e.sha = byPath.get(e.path) ?? null;
  return entries;
}

/** The files' blob ids computed in this process, in a SHA-1 repository; null when that cannot be done. */
function sameBytesShas(workDir: string, base: string, files: string[]): Map<string, string> | null {
  if (base.length !== 40) return null;
  try {
    return new Map(files.map((f) => [f, blobSha1(path.join(workDir, f))]));
  } catch {
    return null;
  }
}

/**
 * The index of a tree this process built, when `base` is a commit of that tree: the next tree starts
 * from it instead of a `read-tree` (the index lives in memory, where no worker can change it).
 */
function indexOfBase(workDir: string, base: string): Buffer | null {
  const tree = treesOfCommits.get(base);
  return tree ? indexesOfTrees.get(`${workDir}\0${tree}`) ?? null : null;
}

/** Trees treeFromDisk built, by their base and entries (the last few: a run needs the last one). */
const treesBuilt = new Map<string, string>();
/** Trees being built, by the same key: what they resolve to when another caller may take them (else null). */
const treesBuilding = new Map<string, Promise<string | null>>();
/** The temporary indexes those trees were written from (no stat data: a pure function of the tree). */
const indexesOfTrees = new Map<string, Buffer>();
const TREES_KEPT = 8;

function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > TREES_KEPT) map.delete(map.keys().next().value!);
}

async function isGitlink(workDir: string, base: string, p: string): Promise<boolean> {
  const { stdout } = await gitExec(workDir, ['ls-tree', base, '--', `:(literal)${p}`]);
  return stdout.startsWith('160000 ');
}

/** git names the path it refuses ("invalid path 'src/.GIT/config'"); every entry when it names none. */
function refusedBy(stderr: string, entries: Entry[]): RefusedPath[] {
  const named = entries.filter((e) => stderr.includes(`'${e.path}'`) || stderr.includes(` ${e.path}\n`));
  const reason = `git refuses it: ${stderr.trim().split('\n')[0] ?? ''}`;
  return (named.length ? named : entries).map((e) => ({ path: e.path, reason }));
}

async function withTempIndex<T>(fn: (env: { GIT_INDEX_FILE: string }) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-idx-'));
  try {
    return await fn({ GIT_INDEX_FILE: path.join(dir, 'index') });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Trees of commits this process made or asked about: a commit's tree never changes. */
const treesOfCommits = new Map<string, string>();

/**
 * Commits `tree` on top of `parent` and moves `refs/heads/<branch>` to it only if the branch still
 * points at `parent` (compare-and-swap): a checkpoint lands on the run branch or nowhere. The commit
 * object may be made beforehand (`made`, from commitObject): until the branch moves, it is on no branch.
 * `meanwhile` runs with the commit while the branch moves.
 */
export async function commitOnBranch(
  workDir: string,
  opts: { tree: string; parent: string; branch: string; message: string; made?: Promise<string>; meanwhile?: (sha: string) => Promise<void> },
): Promise<{ ok: true; sha: string } | { ok: false; detail: string }> {
  const sha = await (opts.made ?? commitObject(workDir, opts));
  const ref = `refs/heads/${opts.branch}`;
  const [moved] = await Promise.all([
    gitExec(workDir, ['update-ref', '-m', 'runr: checkpoint', ref, sha, opts.parent], { reject: false }),
    opts.meanwhile?.(sha),
  ]);
  if (moved.exitCode !== 0) return { ok: false, detail: `${ref} no longer points at ${opts.parent.slice(0, 12)}: ${moved.stderr.trim()}` };
  return { ok: true, sha };
}

/** Commit objects asked for lately, by what they hold (a checkpoint's is asked for while the review runs). */
const commits = new Map<string, Promise<string>>();

/** The commit object of `tree` on `parent` (commit-tree): written, on no branch. */
export function commitObject(workDir: string, opts: { tree: string; parent: string; message: string }): Promise<string> {
  return recall(commits, `${workDir}\0${opts.tree}\0${opts.parent}\0${opts.message}`, async () => {
    const env = await commitEnv(workDir);
    const sha = (await gitExec(workDir, ['commit-tree', opts.tree, '-p', opts.parent, '-F', '-'], { env, input: opts.message })).stdout.trim();
    treesOfCommits.set(sha, opts.tree);
    return sha;
  });
}

/** The tree a commit holds. */
export async function treeOf(cwd: string, commit: string): Promise<string> {
  const known = treesOfCommits.get(commit);
  if (known) return known;
  const tree = (await gitExec(cwd, ['rev-parse', '--verify', `${commit}^{tree}`])).stdout.trim();
  if (/^[0-9a-f]{40,64}$/.test(commit)) treesOfCommits.set(commit, tree);
  return tree;
}

/** Paths whose content differs between two trees. */
export async function pathsDiffering(cwd: string, a: string, b: string): Promise<string[]> {
  const { stdout } = await gitExec(cwd, ['diff-tree', '-r', '--name-only', '-z', '--no-renames', a, b]);
  return stdout.split('\0').filter(Boolean);
}

/** Patches asked for lately, by their two ends (the reviewer's is asked for when its tree is built). */
const patches = new Map<string, Promise<string>>();

/** The patch from one tree or commit to another, as the reviewer reads it: no external diff, no textconv. */
export function treePatch(cwd: string, from: string, to: string, maxBytes = 60_000): Promise<string> {
  return recall(patches, `${cwd}\0${from}\0${to}\0${maxBytes}`, async () => {
    const { stdout } = await gitExec(cwd, ['diff', '--no-ext-diff', '--no-textconv', '--no-color', '--stat', '--patch', from, to]);
    return stdout.length > maxBytes ? `${stdout.slice(0, maxBytes)}\n… (diff truncated at ${maxBytes} bytes)` : stdout;
  });
}
