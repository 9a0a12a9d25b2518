import fs from 'node:fs';
import type { OrchEvent } from '../contracts/orchestration.js';
import { journalPath, runDirOf } from '../store/paths.js';

/** What a task's worker did, read from its run's journal (worker_activity events), for `orchestrate follow`. */
export interface TaskActivity {
  type: 'task_activity';
  key: string;
  run_id: string;
  texts: string[];
}

/**
 * Reads the worker activity the orchestration's running tasks journal, as it is appended: each run's journal
 * from where the last read stopped, whole lines only. Runs are followed from their task_run_started (or
 * task_run_resumed) until the task ends.
 */
export class TaskActivityReader {
  private readonly runs = new Map<string, { key: string; offset: number }>();

  constructor(private readonly repoRoot: string) {}

  /**
   * Keeps track of which runs to read, from the orchestration's next event; returns the last activity of a run
   * that event ends (shown before it).
   */
  see(event: OrchEvent): TaskActivity[] {
    if ((event.type === 'task_run_started' || event.type === 'task_run_resumed') && !this.runs.has(event.run_id)) this.runs.set(event.run_id, { key: event.key, offset: 0 });
    if (event.type !== 'task_ended' || !event.run_id || !this.runs.has(event.run_id)) return [];
    const last = this.read([event.run_id]);
    this.runs.delete(event.run_id);
    return last;
  }

  /** Activity appended since the last read, per run (of every run followed, or of `only`). */
  read(only?: string[]): TaskActivity[] {
    const found: TaskActivity[] = [];
    for (const [runId, run] of this.runs) {
      if (only && !only.includes(runId)) continue;
      let text: string;
      try {
        const buf = fs.readFileSync(journalPath(runDirOf(this.repoRoot, runId)));
        const end = buf.lastIndexOf(0x0a) + 1;
        if (end <= run.offset) continue;
        text = buf.toString('utf8', run.offset, end);
        run.offset = end;
      } catch {
        continue;
      }
      const texts = text.split('\n').flatMap((line) => {
        try {
          const e = JSON.parse(line) as { type?: string; items?: { text?: unknown }[] };
          return e.type === 'worker_activity' ? (e.items ?? []).map((i) => String(i.text ?? '')) : [];
        } catch {
          return [];
        }
      });
      if (texts.length) found.push({ type: 'task_activity', key: run.key, run_id: runId, texts });
    }
    return found;
  }
}
