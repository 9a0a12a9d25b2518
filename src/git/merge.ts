import { commitEnv, gitExec, gitSucceeds } from './git.js';

/**
 * Settings for runr's merges that win over the user's config: no signing (it could prompt or fail), no
 * rerere (a recorded resolution would silently replace the conflict a fix run is meant to see), no
 * autostash, no shortlog appended to runr's message, and diff3 markers (the base helps whoever resolves).
 * Hooks are off for every runr git command (git.ts).
 */
export const MERGE_CONFIG: readonly [string, string][] = [
  ['commit.gpgSign', 'false'],
  ['merge.verifySignatures', 'false'],
  ['rerere.enabled', 'false'],
  ['rerere.autoUpdate', 'false'],
  ['merge.autoStash', 'false'],
  ['merge.log', 'false'],
  ['merge.conflictStyle', 'diff3'],
];

export type NoFfMerge = { ok: true } | { ok: false; conflicted: string[]; stderr: string };

/**
 * `git merge --no-ff` of `theirs` into the branch checked out in `cwd`, committed with `message`. On a
 * conflict the merge is left in progress (the caller snapshots and aborts it).
 */
export async function mergeNoFf(cwd: string, theirs: string, message: string): Promise<NoFfMerge> {
  const r = await gitExec(cwd, ['merge', '--no-ff', '--no-verify', '--no-edit', '--no-gpg-sign', '--no-log', '-m', message, theirs], {
    env: await commitEnv(cwd), config: MERGE_CONFIG, reject: false,
  });
  if (r.exitCode === 0) return { ok: true };
  return { ok: false, conflicted: await unmergedPaths(cwd), stderr: `${r.stdout}\n${r.stderr}` };
}

/** The paths the index holds in conflict (more than one stage), sorted, each once. */
export async function unmergedPaths(cwd: string): Promise<string[]> {
  const { stdout } = await gitExec(cwd, ['ls-files', '--unmerged', '-z']);
  // Each entry: "<mode> <sha> <stage>\t<path>".
  const paths = stdout.split('\0').filter(Boolean).map((e) => e.slice(e.indexOf('\t') + 1));
  return [...new Set(paths)].sort();
}

/** Stages everything in `cwd` as it is (conflict markers included) and returns the tree of that index. */
export async function treeOfWorkingFiles(cwd: string): Promise<string> {
  await gitExec(cwd, ['add', '-A']);
  return (await gitExec(cwd, ['write-tree'])).stdout.trim();
}

/** A commit of `tree` with `parents`, made without touching any ref, index or working tree. */
export async function commitTreeWith(cwd: string, tree: string, parents: string[], message: string): Promise<string> {
  const args = ['commit-tree', '--no-gpg-sign', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  return (await gitExec(cwd, args, { env: await commitEnv(cwd), config: MERGE_CONFIG, input: message })).stdout.trim();
}

/**
 * Points the first free `<prefix><n>` (n = 1, 2, …, after the highest in use) at `sha`. The ref is made
 * with an empty expected old value, so a ref made meanwhile is never overwritten. Returns the ref.
 */
export async function keepUnderNextRef(cwd: string, prefix: string, sha: string): Promise<string> {
  const { stdout } = await gitExec(cwd, ['for-each-ref', '--format=%(refname)', `${prefix.replace(/[^/]*$/, '')}`]);
  const used = stdout.split('\n').filter((r) => r.startsWith(prefix)).map((r) => Number(r.slice(prefix.length))).filter(Number.isInteger);
  for (let n = Math.max(0, ...used) + 1; ; n++) {
    const ref = `${prefix}${n}`;
    const made = await gitExec(cwd, ['update-ref', '-m', 'runr: conflicted merge', ref, sha, ''], { reject: false });
    if (made.exitCode === 0) return ref;
    if (!(await gitSucceeds(cwd, ['rev-parse', '--verify', '-q', ref]))) throw new Error(`could not create ${ref}: ${made.stderr.trim()}`);
  }
}

/**
 * Puts the checkout in `cwd` back exactly at its branch's tip: a merge in progress is dropped, changes
 * are reset, untracked files (not ignored ones) are removed.
 */
export async function resetToTip(cwd: string): Promise<void> {
  if (await gitSucceeds(cwd, ['rev-parse', '--verify', '-q', 'MERGE_HEAD'])) await gitExec(cwd, ['merge', '--abort'], { reject: false });
  await gitExec(cwd, ['reset', '--hard', '-q', 'HEAD']);
  await gitExec(cwd, ['clean', '-ffdq']);
}

const MARKER_LINE = /^(?:<{7}|>{7})(?: |$)/m;

/** The files of `files` whose content in commit `sha` still has a conflict marker line (<<<<<<< or >>>>>>>). */
export async function filesWithMarkers(cwd: string, sha: string, files: string[]): Promise<string[]> {
  const left: string[] = [];
  for (const file of files) {
    const blob = await gitExec(cwd, ['cat-file', 'blob', `${sha}:${file}`], { reject: false });
    if (blob.exitCode === 0 && MARKER_LINE.test(blob.stdout)) left.push(file);
  }
  return left;
}
