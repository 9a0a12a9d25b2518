import type { ActivityItem } from '../workers/activity/item.js';
import { ACTIVITY_FLUSH_MS, ActivityBatch, type JournaledActivity } from './activity-batch.js';

export interface ActivityRecorderOptions {
  /** The run's clock (epoch ms): items are timed from the call's start on it. */
  now: () => number;
  /** Journals one worker_activity event. */
  journal: (items: JournaledActivity[]) => void;
  /** False once this process no longer holds the run's lease: nothing more is journaled. */
  mayJournal: () => boolean;
  /** A journal write that failed (called from a timer: the caller decides what it means). */
  onError: (err: unknown) => void;
  flushMs?: number;
}

export interface ActivityRecorder {
  add(item: ActivityItem): void;
  /** The call ended: journals what is left. */
  end(): void;
  /** Stops the timer without journaling (the call ended in an error). */
  close(): void;
}

/** Journals a worker call's activity while it runs, batched by ActivityBatch, at most every flushMs. */
export function activityRecorder(opts: ActivityRecorderOptions): ActivityRecorder {
  const flushMs = opts.flushMs ?? ACTIVITY_FLUSH_MS;
  const batch = new ActivityBatch(opts.now());
  let timer: NodeJS.Timeout | null = null;
  let lastFlush = -Infinity;
  let closed = false;
  const write = (items: JournaledActivity[]) => {
    try {
      if (items.length && opts.mayJournal()) opts.journal(items);
    } catch (err) {
      closed = true;
      opts.onError(err);
    }
  };
  const flush = () => {
    timer = null;
    if (closed) return;
    lastFlush = Date.now();
    write(batch.take());
    if (batch.hasPending) schedule();
  };
  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(flush, Math.max(0, lastFlush + flushMs - Date.now()));
  };
  const close = () => {
    closed = true;
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return {
    add(item) {
      if (closed) return;
      batch.add(item, opts.now());
      schedule();
    },
    end() {
      if (closed) return;
      close();
      for (const items of batch.finish(opts.now())) write(items);
    },
    close,
  };
}
