import type { DependencyWhen, TrackTaskEntry } from '../contracts/tracks.js';

export interface Dependency {
  /** A task key (`track/task`): a track dependency stands for its last task. */
  on: string;
  when: DependencyWhen;
}

/** One task of an orchestration, with the tracks file's overrides and the task file's front matter merged. */
export interface PlannedTask {
  /** `track/task`, unique in the orchestration. */
  key: string;
  track: string;
  id: string;
  file: string;
  title: string;
  /** Explicit dependencies plus the previous task of the same track (which the task's branch starts from). */
  depends_on: Dependency[];
  previous: string | null;
  fast: boolean | null;
  worker: TrackTaskEntry['worker'] | null;
  allowlist_add: string[];
  verification: TrackTaskEntry['verification'] | null;
}
