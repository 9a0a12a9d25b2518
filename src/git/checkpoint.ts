import fs from 'node:fs';
import path from 'node:path';
import { commitEnv, gitExec, raw, rawOrNull } from './git.js';
import { treeFromDisk } from './verified-tree.js';

export const TRAILER = 'Runr-Checkpoint';

export function checkpointTrailer(runId: string, milestoneIndex: number): string {
  return `${TRAILER}: ${runId}/m${milestoneIndex + 1}`;
}

/**
 * Saves uncommitted work (the files' bytes, as a checkpoint would take them) as a commit object under
 * refs/runr/wip/<run_id>, without touching HEAD or any index. Paths git cannot hold are left out.
 */
export async function saveWip(cwd: string, runId: string, paths: string[]): Promise<string> {
  const head = (await raw(cwd, ['rev-parse', 'HEAD'])).trim();
  let built = await treeFromDisk(cwd, head, paths);
  if (!built.ok) {
    const refused = new Set(built.refused.map((r) => r.path));
    built = await treeFromDisk(cwd, head, paths.filter((p) => !refused.has(p)));
  }
  const tree = built.ok ? built.tree : (await raw(cwd, ['rev-parse', 'HEAD^{tree}'])).trim();
  const sha = (await raw(cwd, ['commit-tree', tree, '-p', 'HEAD', '-m', `runr ${runId}: uncommitted work`], await commitEnv(cwd))).trim();
  const ref = wipRefOf(runId);
  await raw(cwd, ['update-ref', ref, sha]);
  return ref;
}

export const wipRefOf = (runId: string) => `refs/runr/wip/${runId}`;

/** The ref holding the run's saved uncommitted work, when there is one. */
export async function findWip(cwd: string, runId: string): Promise<string | null> {
  const ref = wipRefOf(runId);
  return (await rawOrNull(cwd, ['rev-parse', '--verify', '-q', `${ref}^{commit}`]))?.trim() ? ref : null;
}

/** Puts the work saved by saveWip back into the working tree (unstaged). */
export async function restoreWip(cwd: string, ref: string): Promise<void> {
  const patch = await raw(cwd, ['diff', '--binary', '--no-textconv', '--no-ext-diff', 'HEAD', ref]);
  if (patch.trim()) await gitExec(cwd, ['apply', '--whitespace=nowarn', '-'], { input: patch });
  await raw(cwd, ['update-ref', '-d', ref]);
}

/** When `sha` is a checkpoint commit of this run: its milestone number (1-based) and first parent. */
export async function findCheckpointAt(cwd: string, sha: string, runId: string): Promise<{ parent: string; milestone: number } | null> {
  const out = await raw(cwd, ['log', '-1', '--format=%P%x00%B', sha]);
  const [parents = '', body = ''] = out.split('\0');
  const m = new RegExp(`^${TRAILER}: ${runId}/m(\\d+)$`, 'm').exec(body);
  if (!m) return null;
  return { parent: parents.trim().split(' ')[0] ?? '', milestone: Number(m[1]) };
}

/**
 * Puts `changes` back as HEAD has them: tracked files restored, new files removed. A new directory
 * git lists as one entry (a nested repository, which no commit can hold) is moved into `keepDirsIn`.
 */
export async function discardPaths(cwd: string, changes: { path: string; status: string }[], keepDirsIn: string): Promise<void> {
  const literal = (paths: string[]) => paths.map((p) => `:(literal)${p}`);
  const all = changes.map((c) => c.path);
  for (let i = 0; i < all.length; i += 200) await raw(cwd, ['reset', '-q', '--', ...literal(all.slice(i, i + 200))]);
  const tracked = changes.filter((c) => c.status === 'modified' || c.status === 'deleted').map((c) => c.path);
  for (let i = 0; i < tracked.length; i += 200) await raw(cwd, ['checkout', 'HEAD', '--', ...literal(tracked.slice(i, i + 200))]);
  for (const c of changes) {
    if (c.status !== 'added' && c.status !== 'untracked') continue;
    const full = path.join(cwd, c.path);
    if (fs.lstatSync(full, { throwIfNoEntry: false })?.isDirectory()) {
      const kept = path.join(keepDirsIn, c.path);
      fs.mkdirSync(path.dirname(kept), { recursive: true });
      fs.renameSync(full, kept);
    } else {
      fs.rmSync(full, { force: true });
    }
  }
}
