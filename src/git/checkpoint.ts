import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commitEnv, raw, rawOrNull } from './git.js';

export const TRAILER = 'Runr-Checkpoint';

export function checkpointTrailer(runId: string, milestoneIndex: number): string {
  return `${TRAILER}: ${runId}/m${milestoneIndex + 1}`;
}

/** Stages exactly `paths` (other changes, such as tool caches, stay out) and commits. */
export async function commitPaths(cwd: string, paths: string[], message: string): Promise<string> {
  await stage(cwd, paths);
  const env = await commitEnv(cwd);
  await withTempFile(message, (file) => raw(cwd, ['-c', 'core.hooksPath=/dev/null', 'commit', '--allow-empty', '--no-verify', '-F', file], env));
  return (await raw(cwd, ['rev-parse', 'HEAD'])).trim();
}

async function stage(cwd: string, paths: string[], env: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < paths.length; i += 200) {
    await raw(cwd, ['add', '--verbose', '-A', '--', ...paths.slice(i, i + 200).map((p) => `:(literal)${p}`)], env);
  }
}

async function withTempFile<T>(text: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-'));
  const file = path.join(dir, 'data');
  fs.writeFileSync(file, text);
  try {
    return await fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The milestone's diff against HEAD including new files, built in a throwaway index. */
export async function diffIncludingNew(cwd: string, paths: string[], maxBytes = 60_000): Promise<string> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-idx-'));
  const env = { GIT_INDEX_FILE: path.join(tmpDir, 'index') };
  try {
    // A copy of the real index (which runr never stages into) stands for HEAD, and reading it is quicker than read-tree.
    const index = path.resolve(cwd, (await raw(cwd, ['rev-parse', '--git-path', 'index'])).trim());
    if (fs.existsSync(index)) fs.copyFileSync(index, env.GIT_INDEX_FILE);
    else await raw(cwd, ['read-tree', 'HEAD'], env);
    await stage(cwd, paths, env);
    const diff = await raw(cwd, ['diff', '--cached', '--stat', '--patch', 'HEAD'], env);
    return diff.length > maxBytes ? `${diff.slice(0, maxBytes)}\n… (diff truncated at ${maxBytes} bytes)` : diff;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** Saves uncommitted work as a commit object under refs/runr/wip/<run_id>, without touching HEAD or the index. */
export async function saveWip(cwd: string, runId: string, paths: string[]): Promise<string> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-wip-'));
  const env = { GIT_INDEX_FILE: path.join(tmpDir, 'index') };
  try {
    await raw(cwd, ['read-tree', 'HEAD'], env);
    await stage(cwd, paths, env);
    const tree = (await raw(cwd, ['write-tree'], env)).trim();
    const sha = (await raw(cwd, ['commit-tree', tree, '-p', 'HEAD', '-m', `runr ${runId}: uncommitted work`], { ...env, ...(await commitEnv(cwd)) })).trim();
    const ref = wipRefOf(runId);
    await raw(cwd, ['update-ref', ref, sha]);
    return ref;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

export const wipRefOf = (runId: string) => `refs/runr/wip/${runId}`;

/** The ref holding the run's saved uncommitted work, when there is one. */
export async function findWip(cwd: string, runId: string): Promise<string | null> {
  const ref = wipRefOf(runId);
  return (await rawOrNull(cwd, ['rev-parse', '--verify', '-q', `${ref}^{commit}`]))?.trim() ? ref : null;
}

/** Puts the work saved by saveWip back into the working tree (unstaged). */
export async function restoreWip(cwd: string, ref: string): Promise<void> {
  const patch = await raw(cwd, ['diff', '--binary', 'HEAD', ref]);
  if (patch.trim()) await withTempFile(patch, (file) => raw(cwd, ['apply', '--whitespace=nowarn', file]));
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

/** Puts `changes` back as HEAD has them: tracked files restored, new files removed. */
export async function discardPaths(cwd: string, changes: { path: string; status: string }[]): Promise<void> {
  const literal = (paths: string[]) => paths.map((p) => `:(literal)${p}`);
  const all = changes.map((c) => c.path);
  for (let i = 0; i < all.length; i += 200) await raw(cwd, ['reset', '-q', '--', ...literal(all.slice(i, i + 200))]);
  const tracked = changes.filter((c) => c.status === 'modified' || c.status === 'deleted').map((c) => c.path);
  for (let i = 0; i < tracked.length; i += 200) await raw(cwd, ['checkout', 'HEAD', '--', ...literal(tracked.slice(i, i + 200))]);
  for (const c of changes) {
    if (c.status === 'added' || c.status === 'untracked') fs.rmSync(path.join(cwd, c.path), { force: true });
  }
}
