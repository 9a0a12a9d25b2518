import type { RunEvent } from '../contracts/events.js';
import type { RunState } from '../contracts/state.js';
import { isTerminal } from '../engine/describe.js';
import { step } from '../engine/machine.js';
import { readJournal } from './journal.js';
import { liveness } from './lease.js';

export type FollowEnd = { end: 'terminal' | 'stale'; state: RunState | null };

/** How often the lease is checked (a dead executor writes no file event), and how many misses make a run stale. */
const LEASE_CHECK_MS = 1_000;
const STALE_CHECKS = 2;

/**
 * Calls `onEvent` for every journal event of the run, from the first, with the state it led to,
 * as the events are written (file events on the run directory); resolves once the run is terminal,
 * or when nobody executes it any more.
 */
export async function followRun(runDir: string, onEvent: (state: RunState, event: RunEvent) => void): Promise<FollowEnd> {
  let state: RunState | null = null;
  let seen = 0;
  const catchUp = (): boolean => {
    const { events } = readJournal(runDir);
    for (const event of events.slice(seen)) {
      state = step(state, event).state;
      onEvent(state, event);
    }
    seen = Math.max(seen, events.length);
    return state !== null && isTerminal(state);
  };
  if (catchUp()) return { end: 'terminal', state };

  const { watch } = await import('chokidar');
  return new Promise((resolve) => {
    let done = false;
    let misses = 0;
    const watcher = watch(runDir, { depth: 0, ignoreInitial: true, atomic: false });
    const finish = (end: FollowEnd['end']) => {
      if (done) return;
      done = true;
      clearInterval(leaseTimer);
      resolve({ end, state });
      void watcher.close();
    };
    const check = () => {
      if (!done && catchUp()) finish('terminal');
    };
    watcher.on('all', check);
    watcher.on('ready', check);
    const leaseTimer = setInterval(() => {
      check();
      if (done) return;
      misses = liveness(runDir).alive ? 0 : misses + 1;
      if (misses >= STALE_CHECKS) finish('stale');
    }, LEASE_CHECK_MS);
  });
}
