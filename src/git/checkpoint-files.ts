import { rawOrNull } from './git.js';

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
