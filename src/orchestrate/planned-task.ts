import type { z } from 'zod';
import type { DependencyWhen } from '../contracts/tracks.js';
import type { PlannedTaskSchema } from '../contracts/orchestration.js';

export interface Dependency {
  /** A task key (`track/task`): a track dependency stands for its last task. */
  on: string;
  when: DependencyWhen;
}

/**
 * One task of an orchestration, with the tracks file's overrides and the task file's front matter merged:
 * `key` is `track/task`; `depends_on` holds the explicit dependencies plus the previous task of the same
 * track (`previous`, which the task's branch starts from).
 */
export type PlannedTask = z.infer<typeof PlannedTaskSchema>;
