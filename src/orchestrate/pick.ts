import type { PlannedTask } from './planned-task.js';
import { readinessOf, type TaskProgress } from './readiness.js';

export type Decision =
  | { key: string; kind: 'start' }
  | { key: string; kind: 'wait'; reason: 'dependency' | 'capacity'; detail: string }
  | { key: string; kind: 'skip'; because: string };

export interface PickInput {
  /** The orchestration's tasks in dependency order (tracks-file.ts). */
  tasks: PlannedTask[];
  progressOf: (key: string) => TaskProgress;
  /** Slots taken by tasks that run now (a task parked in a wait frees its slot). */
  busy: number;
  maxParallel: number;
}

/**
 * What to do with every pending task now: start it, let it wait (for a dependency, or a free slot), or skip
 * it. Tasks are taken in dependency order. Collisions are not decided here but at each task's gate before
 * IMPLEMENT (gate.ts), once its plan says which files it will touch: planning in parallel is always safe.
 */
export function pick(input: PickInput): Decision[] {
  let slots = input.maxParallel - input.busy;
  const decisions: Decision[] = [];
  for (const task of input.tasks) {
    if (input.progressOf(task.key) !== 'pending') continue;
    const ready = readinessOf(task, input.progressOf);
    if (ready.kind === 'skipped') decisions.push({ key: task.key, kind: 'skip', because: ready.because });
    else if (ready.kind === 'waiting') decisions.push({ key: task.key, kind: 'wait', reason: 'dependency', detail: `waits for ${ready.on}` });
    else if (slots <= 0) decisions.push({ key: task.key, kind: 'wait', reason: 'capacity', detail: `all ${input.maxParallel} slots are taken` });
    else {
      decisions.push({ key: task.key, kind: 'start' });
      slots -= 1;
    }
  }
  return decisions;
}
