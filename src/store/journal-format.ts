import path from 'node:path';
import type { RunEvent } from '../contracts/events.js';
import { portablePath, portableRunInit } from './run-location.js';

/**
 * The journal's format, carried by its `run_started` event (`format`; absent: 1). Journals of an older
 * format are upgraded here, on read, to the events this runr writes: the machine only knows the current
 * shape, and an old run replays (status, report, resume) as if this runr had written it.
 *
 * Format 1 (no `format`): written by every runr before formats. Its oldest journals name paths inside the
 * repository absolutely: they are made relative to the root they were written in (see run-location.ts),
 * so that an old run directory moved or copied into another clone resolves there too. Its task may carry
 * the whole text (requirements, body…) instead of a hash of the run's task.md: that is still a valid
 * shape (contracts/task.ts), the text having no other place, and prompts are built from it.
 */
export const JOURNAL_FORMAT = 2;

type RunStarted = Extract<RunEvent, { type: 'run_started' }>;

export function journalFormatOf(event: RunStarted): number {
  return event.format ?? 1;
}

/** The journal's events in the current format (the events of a current journal, as they are). */
export function upgradeJournal(events: RunEvent[]): RunEvent[] {
  const started = events[0]?.type === 'run_started' ? events[0] : null;
  if (!started || journalFormatOf(started) >= JOURNAL_FORMAT) return events;
  const writtenIn = path.isAbsolute(started.run.repo_root) ? started.run.repo_root : null;
  return events.map((event) => withRelativePaths(event, writtenIn));
}

function withRelativePaths(event: RunEvent, root: string | null): RunEvent {
  if (event.type === 'run_started') {
    return { ...event, format: JOURNAL_FORMAT, run: root ? portableRunInit(event.run) : event.run };
  }
  if (!root || event.type !== 'effect_result') return event;
  const result = event.result;
  if (result.kind === 'worker' && result.log_path) return { ...event, result: { ...result, log_path: portablePath(root, result.log_path) } };
  if (result.kind === 'verify' && result.failure) {
    return { ...event, result: { ...result, failure: { ...result.failure, log_path: portablePath(root, result.failure.log_path) } } };
  }
  return event;
}
