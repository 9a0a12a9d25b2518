import type { RunEvent } from '../contracts/events.js';
import type { RunState } from '../contracts/state.js';
import { readJournal } from '../store/journal.js';
import { upgradeJournal } from '../store/journal-format.js';
import { observeRun } from '../store/watch-run.js';
import { isTerminal } from './describe.js';
import { step } from './machine.js';

export type FollowEnd = { end: 'terminal' | 'stale'; state: RunState | null };

/**
 * Calls `onEvent` for every journal event of the run, from the first, with the state it led to,
 * as the events are written; resolves once the run is terminal, or when nobody executes it any more.
 * An aborted `signal` ends the following (not the run), rejecting with its reason.
 */
export async function followRun(runDir: string, onEvent: (state: RunState, event: RunEvent) => void, signal?: AbortSignal): Promise<FollowEnd> {
  let state: RunState | null = null;
  let seen = 0;
  const catchUp = (): boolean => {
    const { events } = readJournal(runDir);
    // The machine folds the events in the current format; the caller gets them as journaled.
    const upgraded = upgradeJournal(events);
    for (let i = seen; i < events.length; i++) {
      state = step(state, upgraded[i]!).state;
      onEvent(state, events[i]!);
    }
    seen = Math.max(seen, events.length);
    return state !== null && isTerminal(state);
  };
  const end = await observeRun(runDir, catchUp, null, signal);
  return { end: end === 'done' ? 'terminal' : 'stale', state };
}
