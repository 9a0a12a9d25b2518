import type { RunEvent } from '../contracts/events.js';
import type { RunState } from '../contracts/state.js';
import { followRun, type FollowEnd } from '../engine/follow-run.js';
import { ReplayStream } from '../util/replay-stream.js';

/** One journal event of a run and the state it led to. */
export interface RunUpdate {
  event: RunEvent;
  state: RunState;
}

/**
 * Starts following a run's journal: `updates` holds every event so far, then each new one, until the run is
 * terminal or nobody executes it (`end` says which); both fail alike (an unreadable journal, an aborted `signal`).
 */
export function followInBackground(runDir: string, signal?: AbortSignal): { updates: ReplayStream<RunUpdate>; end: Promise<FollowEnd> } {
  const updates = new ReplayStream<RunUpdate>();
  const end = followRun(runDir, (state, event) => updates.push({ state, event }), signal);
  end.then(() => updates.end(), (err: unknown) => updates.fail(err));
  return { updates, end };
}

/** A run's journal as an async stream: every event so far, then each new one, until the run is terminal or nobody executes it. */
export async function* eventsOf(runDir: string): AsyncGenerator<RunUpdate> {
  yield* followInBackground(runDir).updates;
}
