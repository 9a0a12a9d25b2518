import fs from 'node:fs';
import type { RunState } from '../contracts/state.js';
import { listChanges } from '../git/changes.js';
import { raw } from '../git/git.js';
import type { TouchSet } from './collisions.js';

/** What changedSoFar found for a state: every journaled event makes a new state, so this is once per event. */
const changedAt = new WeakMap<RunState, Promise<string[]>>();

/** Every file the run has changed so far (as of its last event): committed on its branch since its base, and not yet committed. */
function changedSoFar(state: RunState): Promise<string[]> {
  let found = changedAt.get(state);
  if (!found) {
    found = readChanges(state);
    changedAt.set(state, found);
  }
  return found;
}

async function readChanges(state: RunState): Promise<string[]> {
  if (!fs.existsSync(state.work_dir)) return [];
  const [committed, pending] = await Promise.all([
    raw(state.work_dir, ['diff', '--name-only', '--no-renames', '-z', state.base_sha, 'HEAD']),
    listChanges(state.work_dir),
  ]);
  return [...committed.split('\0').filter(Boolean), ...pending.map((c) => c.path)];
}

/**
 * What a task's run may touch (collisions.ts): its allowlist additions, its plan's files_expected, and what it
 * has changed so far. Unknown (it may touch anything) until it has a plan, or for a --fast run, unless its
 * scope is confined to its allowlist additions (the config allows everything, the task adds a list).
 */
export async function touchSetOf(state: RunState | null): Promise<TouchSet> {
  if (!state) return { known: false, patterns: [] };
  const added = state.task.front_matter.allowlist_add ?? [];
  const confined = state.config.scope.allowlist.length === 0 && added.length > 0;
  const planned = !state.options.fast && state.milestones.length > 0;
  if (!planned && !confined) return { known: false, patterns: [] };
  const expected = planned ? state.milestones.flatMap((m) => m.files_expected) : [];
  return { known: true, patterns: [...new Set([...added, ...expected, ...(await changedSoFar(state))])] };
}
