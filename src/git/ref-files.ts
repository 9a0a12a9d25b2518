import fs from 'node:fs';
import path from 'node:path';
import { recall } from '../util/recall.js';
import { gitDirs, headFile, OBJECT_ID_LINE } from './refs.js';

type Dirs = { gitDir: string; commonDir: string };

const dirsByDotGit = new Map<string, Promise<Dirs>>();

/**
 * A working tree's git directories, asked once per process for each content of its `.git` (a linked
 * worktree's `.git` file names its admin directory, which a re-added worktree may not get back).
 */
export function knownGitDirs(cwd: string): Promise<Dirs> {
  const key = `${cwd}\0${readText(path.join(cwd, '.git')) ?? 'a directory or nothing'}`;
  return recall(dirsByDotGit, key, () => gitDirs(cwd), Infinity);
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The commit a shared ref (`refs/heads/…`) names, read from git's files: its loose file, else its line
 * in packed-refs. Null whenever the files do not say plainly (a reftable repository, a symbolic ref):
 * callers then ask git.
 */
export function refFromFiles(commonDir: string, name: string): string | null {
  if (fs.existsSync(path.join(commonDir, 'reftable'))) return null;
  const loose = readText(path.join(commonDir, name));
  if (loose !== null) return OBJECT_ID_LINE.exec(loose)?.[1] ?? null;
  const packed = readText(path.join(commonDir, 'packed-refs')) ?? '';
  for (const line of packed.split('\n')) {
    const [sha, ref] = line.split(' ');
    if (ref === name && sha && OBJECT_ID_LINE.test(sha)) return sha;
  }
  return null;
}

/**
 * Whether `refs/heads/<branch>` (given HEAD: what HEAD resolves to) is `sha`, read from the files
 * without a git process. False means "not shown": the caller asks git, which also answers the rarer
 * cases (a moved branch, a worker's commit) in full.
 */
export async function filesSay(cwd: string, ref: { branch: string } | 'HEAD', sha: string): Promise<boolean> {
  const { gitDir, commonDir } = await knownGitDirs(cwd);
  if (ref !== 'HEAD') return refFromFiles(commonDir, `refs/heads/${ref.branch}`) === sha;
  const head = headFile(gitDir);
  if (!head) return false;
  if ('sha' in head) return head.sha === sha;
  return head.ref.startsWith('refs/heads/') && refFromFiles(commonDir, head.ref) === sha;
}
