import type { ChangedPath } from '../guard/index.js';
import { raw } from './git.js';

/**
 * Every path changed since HEAD, from one `git status` call: added, modified, deleted and untracked
 * files, a rename as its two names (--no-renames), files inside new directories listed one by one
 * (--untracked-files=all). Ignored files are not changes. `env` may name another index (GIT_INDEX_FILE).
 */
export async function listChanges(cwd: string, env: Record<string, string> = {}): Promise<ChangedPath[]> {
  const out = await raw(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=none'], env);
  const changes: ChangedPath[] = [];
  for (const entry of out.split('\0')) {
    if (entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    const file = entry.slice(3);
    changes.push({ path: file, status: statusOf(xy) });
  }
  return changes;
}

function statusOf(xy: string): ChangedPath['status'] {
  if (xy === '??') return 'untracked';
  if (xy.includes('D')) return 'deleted';
  if (xy.includes('A')) return 'added';
  return 'modified';
}
