import type { CollisionPolicy } from './policy.js';
import { collision, type TouchSet } from './collisions.js';
import type { PlannedTask } from './planned-task.js';
import { readinessOf, type TaskProgress } from './readiness.js';

export type Decision =
  | { key: string; kind: 'start' }
  | { key: string; kind: 'wait'; reason: 'dependency' | 'collision' | 'capacity'; detail: string }
  | { key: string; kind: 'skip'; because: string }
  | { key: string; kind: 'collide'; with: string; why: string };

export interface PickInput {
  /** The orchestration's tasks in dependency order (tracks-file.ts). */
  tasks: PlannedTask[];
  progressOf: (key: string) => TaskProgress;
  /** What each running or ready task may touch (collisions.ts). */
  touchOf: (key: string) => TouchSet;
  maxParallel: number;
  policy: CollisionPolicy;
}

/**
 * What to do with every pending task now: start it, let it wait (for a dependency, a colliding task that
 * runs, or a free slot), skip it, or stop it for a collision (policy `fail`). Tasks are taken in dependency
 * order, so an earlier task is never overtaken by a later one it collides with.
 */
export function pick(input: PickInput): Decision[] {
  const running = input.tasks.filter((t) => input.progressOf(t.key) === 'running').map((t) => t.key);
  let slots = input.maxParallel - running.length;
  const decisions: Decision[] = [];
  for (const task of input.tasks) {
    if (input.progressOf(task.key) !== 'pending') continue;
    const ready = readinessOf(task, input.progressOf);
    if (ready.kind === 'skipped') {
      decisions.push({ key: task.key, kind: 'skip', because: ready.because });
      continue;
    }
    if (ready.kind === 'waiting') {
      decisions.push({ key: task.key, kind: 'wait', reason: 'dependency', detail: `waits for ${ready.on}` });
      continue;
    }
    const clash = running.map((other) => ({ other, c: collision(input.touchOf(task.key), input.touchOf(other)) })).find((x) => x.c.collides);
    if (clash && clash.c.collides) {
      decisions.push(input.policy === 'fail'
        ? { key: task.key, kind: 'collide', with: clash.other, why: clash.c.why }
        : { key: task.key, kind: 'wait', reason: 'collision', detail: `waits for ${clash.other}: ${clash.c.why}` });
      continue;
    }
    if (slots <= 0) {
      decisions.push({ key: task.key, kind: 'wait', reason: 'capacity', detail: `all ${input.maxParallel} slots are taken` });
      continue;
    }
    decisions.push({ key: task.key, kind: 'start' });
    running.push(task.key);
    slots -= 1;
  }
  return decisions;
}
