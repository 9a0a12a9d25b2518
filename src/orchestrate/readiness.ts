import type { Dependency, PlannedTask } from './planned-task.js';

/** Where a task of an orchestration stands, as far as its dependents are concerned. */
export type TaskProgress = 'pending' | 'running' | 'complete' | 'stopped' | 'skipped';

export type Readiness =
  | { kind: 'ready' }
  | { kind: 'waiting'; reason: 'dependency'; on: string }
  | { kind: 'skipped'; because: string };

const ENDED = new Set<TaskProgress>(['complete', 'stopped', 'skipped']);

/**
 * Whether one dependency lets its dependent start: `complete` (the default) needs the dependency completed,
 * `stopped` needs it ended without completing (a stop, or skipped itself), `always` needs it ended at all.
 * Null while the dependency has not ended; false when it ended in a way that never meets the condition.
 */
export function dependencyMet(dep: Dependency, progress: TaskProgress): boolean | null {
  if (!ENDED.has(progress)) return null;
  if (dep.when === 'always') return true;
  return dep.when === 'complete' ? progress === 'complete' : progress !== 'complete';
}

/**
 * For a pending task: ready when every dependency is met; waiting (naming the first dependency still
 * under way) while any could still be met; skipped, naming the dependency and how it ended, as soon as one
 * never will be.
 */
export function readinessOf(task: PlannedTask, progressOf: (key: string) => TaskProgress): Readiness {
  let waitingOn: string | null = null;
  for (const dep of task.depends_on) {
    const progress = progressOf(dep.on);
    const met = dependencyMet(dep, progress);
    if (met === false) return { kind: 'skipped', because: `${dep.on} ${progress === 'complete' ? 'completed' : progress}${dep.when === 'complete' ? '' : ` (it runs only when: ${dep.when})`}` };
    if (met === null) waitingOn ??= dep.on;
  }
  return waitingOn ? { kind: 'waiting', reason: 'dependency', on: waitingOn } : { kind: 'ready' };
}
