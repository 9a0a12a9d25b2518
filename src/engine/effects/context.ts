import fs from 'node:fs';
import path from 'node:path';
import type { Effect } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { isToolCache, type ChangedPath } from '../../guard/index.js';
import { listChanges } from '../../git/changes.js';
import { ensureRunIndex, runIndexEnv } from '../../git/run-index.js';
import { RUN_FILES } from '../../store/paths.js';

export function logPathFor(state: RunState, effect: Effect, name: string): string {
  const dir = path.join(state.run_dir, RUN_FILES.logs);
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${effect.id}-${name}.log`);
}

/** The commit the run branch must point at: the last checkpoint, or where the run started. */
export function expectedHead(state: RunState): string {
  return state.checkpoint_sha ?? state.base_sha;
}

/**
 * The run's own changes since the last checkpoint, compared file by file against runr's own index
 * (never the worker's): tool caches and pre-existing dirt left out.
 */
export async function runChanges(state: RunState): Promise<{ changes: ChangedPath[]; caches: string[] }> {
  const preexisting = new Set(state.preexisting_dirty);
  // Never against a missing index: git would take every file for a change.
  await ensureRunIndex(state.work_dir, state.run_dir, expectedHead(state), false);
  const all = (await listChanges(state.work_dir, runIndexEnv(state.run_dir))).filter((c) => !preexisting.has(c.path));
  return {
    changes: all.filter((c) => !isToolCache(c.path)),
    caches: all.filter((c) => isToolCache(c.path)).map((c) => c.path),
  };
}
