import { gitExec, rawOrNull } from './git.js';
import { OBJECT_ID_LINE } from './refs.js';

export interface FileChange {
  /** git's letter: A added, M modified, D deleted, T type changed. */
  status: string;
  path: string;
}

/**
 * The files a checkpoint commit changed against its parent (`git diff --name-status`, renames as two
 * names). null when git cannot answer (the commit is gone: its branch was deleted and collected).
 */
export async function checkpointFiles(repoRoot: string, sha: string, parent: string): Promise<FileChange[] | null> {
  const out = await rawOrNull(repoRoot, ['diff', '--name-status', '--no-renames', '-z', parent, sha, '--']);
  if (out === null) return null;
  const fields = out.split('\0').filter((f) => f.length > 0);
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) changes.push({ status: fields[i]!, path: fields[i + 1]! });
  return changes;
}

/**
 * The files of several checkpoint commits, each against its parent, from one git process (`diff-tree
 * --stdin`). A commit git does not answer for there (gone) is asked alone, as checkpointFiles does.
 */
export async function checkpointFilesOfMany(repoRoot: string, shas: string[]): Promise<Map<string, FileChange[] | null>> {
  const found = new Map<string, FileChange[] | null>();
  if (!shas.length) return found;
  const r = await gitExec(repoRoot, ['diff-tree', '--stdin', '-r', '--always', '--name-status', '--no-renames', '-z'], { input: `${shas.join('\n')}\n`, reject: false });
  if (r.exitCode === 0) {
    const fields = r.stdout.split('\0').filter((f) => f.length > 0);
    let current: FileChange[] | null = null;
    for (let i = 0; i < fields.length; i++) {
      if (OBJECT_ID_LINE.test(fields[i]!)) found.set(fields[i]!, (current = []));
      else if (current && i + 1 < fields.length) current.push({ status: fields[i]!, path: fields[++i]! });
    }
  }
  for (const sha of shas) if (!found.has(sha)) found.set(sha, await checkpointFiles(repoRoot, sha, `${sha}^`));
  return found;
}
