import fs from 'node:fs';
import path from 'node:path';
import { gitExec, gitSucceeds } from './git.js';

/** Every ref of the repository and the commit (or object) it points at. */
export async function listRefs(cwd: string): Promise<Map<string, string>> {
  const { stdout } = await gitExec(cwd, ['for-each-ref', '--format=%(refname)%00%(objectname)']);
  const refs = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [name, sha] = line.split('\0');
    if (name && sha) refs.set(name, sha);
  }
  return refs;
}

/** What HEAD is in `cwd`: the full name of the branch it is attached to, or `detached at <sha>`. */
export async function headState(cwd: string): Promise<string> {
  const r = await gitExec(cwd, ['rev-parse', '--symbolic-full-name', 'HEAD'], { reject: false });
  if (r.exitCode !== 0) return 'unborn or unreadable';
  const name = r.stdout.trim();
  if (name !== 'HEAD') return name;
  const sha = await gitExec(cwd, ['rev-parse', '--verify', 'HEAD'], { reject: false });
  return sha.exitCode === 0 ? `detached at ${sha.stdout.trim().slice(0, 12)}` : 'unborn or unreadable';
}

/** A full object id as git writes it into a ref file (SHA-1 or SHA-256), with its newline. */
export const OBJECT_ID_LINE = /^([0-9a-f]{40}|[0-9a-f]{64})\n?$/;

/**
 * What the HEAD file of `gitDir` says when it holds what git writes there (`ref: <name>` or a commit id):
 * the ref HEAD is attached to, or the commit it is detached at. Null for anything else (a missing or odd
 * file, a reftable repository, whose HEAD file names `refs/heads/.invalid`): git is to be asked.
 */
export function headFile(gitDir: string): { ref: string } | { sha: string } | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8');
  } catch {
    return null;
  }
  const ref = /^ref: (refs\/[^\s]+)\n?$/.exec(text)?.[1];
  if (ref) return ref === 'refs/heads/.invalid' ? null : { ref };
  const sha = OBJECT_ID_LINE.exec(text)?.[1];
  return sha ? { sha } : null;
}

/** headState() read from the HEAD file of `gitDir` (headFile), with no git process unless the file says nothing plainly. */
export async function headStateIn(cwd: string, gitDir: string): Promise<string> {
  const head = headFile(gitDir);
  if (!head) return headState(cwd);
  return 'ref' in head ? head.ref : `detached at ${head.sha.slice(0, 12)}`;
}

/** The git directories of a working tree: its own (`.git`, or `.git/worktrees/<name>`) and the shared one. */
export async function gitDirs(cwd: string): Promise<{ gitDir: string; commonDir: string }> {
  const [gitDir = '', commonDir = ''] = (await gitExec(cwd, ['rev-parse', '--git-dir', '--git-common-dir'])).stdout.trim().split('\n');
  return { gitDir: path.resolve(cwd, gitDir), commonDir: path.resolve(cwd, commonDir) };
}

/** Every config value git would use in `cwd` (system, global, repository, worktree, includes), with its origin. */
export async function effectiveConfig(cwd: string): Promise<string[]> {
  const { stdout } = await gitExec(cwd, ['config', '--list', '--show-origin', '-z'], { reject: false });
  // -z: "origin\0key\nvalue\0" per entry.
  const parts = stdout.split('\0');
  const lines: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) lines.push(`${parts[i + 1]!.replace('\n', '=')}  (${parts[i]})`);
  return lines;
}

/**
 * Settings that switch off every filter driver a config listing defines: `git status` runs a clean
 * filter to compare a file whose stat data changed, and a config a worker planted must not run.
 */
export function filtersOff(configLines: string[]): [string, string][] {
  const drivers = new Set(configLines.map((l) => /^filter\.(.+)\.(?:clean|smudge|process|required)=/i.exec(l)?.[1]).filter((n): n is string => !!n));
  return [...drivers].flatMap((d) => [[`filter.${d}.clean`, ''], [`filter.${d}.smudge`, ''], [`filter.${d}.process`, ''], [`filter.${d}.required`, 'false']] as [string, string][]);
}

/** A checkout's uncommitted paths, read without taking the index lock (the user may be running git too). */
export async function checkoutStatus(cwd: string, config: [string, string][] = []): Promise<string[]> {
  const { stdout } = await gitExec(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { env: { GIT_OPTIONAL_LOCKS: '0' }, config });
  return stdout.split('\0').filter((e) => e.length > 3).map((e) => e.slice(3));
}

/** Whether `ancestor` is `commit` or one of its ancestors. */
export async function isAncestor(cwd: string, ancestor: string, commit: string): Promise<boolean> {
  return gitSucceeds(cwd, ['merge-base', '--is-ancestor', ancestor, commit]);
}
