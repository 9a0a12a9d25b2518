import type { RunEvent } from '../contracts/events.js';
import type { ActivityItem } from '../workers/activity/item.js';

export type JournaledActivity = Extract<RunEvent, { type: 'worker_activity' }>['items'][number];

/** A worker_activity event is journaled at most this often while a call runs (and once more when it ends). */
export const ACTIVITY_FLUSH_MS = 1_000;
export const MAX_ACTIVITY_PER_EVENT = 20;
/** A call journals this many items at most; a single note then says how many more there were. */
export const MAX_ACTIVITY_PER_CALL = 200;

/**
 * The activity of one worker call on its way to the journal (pure: items in, event item lists out).
 * Tokens so far only matter as their latest count: a newer one replaces one not yet journaled.
 */
export class ActivityBatch {
  private pending: JournaledActivity[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly startMs: number) {}

  add(item: ActivityItem, nowMs: number): void {
    if (item.kind === 'usage') {
      const before = this.pending.length;
      this.pending = this.pending.filter((p) => p.kind !== 'usage');
      this.kept -= before - this.pending.length;
    }
    if (this.kept >= MAX_ACTIVITY_PER_CALL) {
      this.dropped++;
      return;
    }
    this.kept++;
    this.pending.push({ at_ms: Math.max(0, Math.round(nowMs - this.startMs)), kind: item.kind, text: item.text });
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The next event's items (at most MAX_ACTIVITY_PER_EVENT, oldest first); empty when there are none. */
  take(): JournaledActivity[] {
    return this.pending.splice(0, MAX_ACTIVITY_PER_EVENT);
  }

  /** The call ended: every item left, as events, the last one saying how many items were left out. */
  finish(nowMs: number): JournaledActivity[][] {
    const events: JournaledActivity[][] = [];
    while (this.pending.length) events.push(this.take());
    if (this.dropped) {
      const note: JournaledActivity = { at_ms: Math.max(0, Math.round(nowMs - this.startMs)), kind: 'log', text: `… ${this.dropped} more` };
      const last = events.at(-1);
      if (last && last.length < MAX_ACTIVITY_PER_EVENT) last.push(note);
      else events.push([note]);
      this.dropped = 0;
    }
    return events;
  }
}
