import type { RunState } from '../../contracts/state.js';
import { tamperings } from './compare.js';
import { carriedOver, takeSnapshot, type IntegritySnapshot } from './snapshot.js';

/**
 * How long after one call ends its closing snapshot may open the next call. Between two calls of a
 * milestone only runr works (a guard, a checkpoint: milliseconds), so carrying the snapshot over
 * saves a walk of the user's checkout and five git commands per call; a longer gap (an approval
 * wait, a resume) gets a fresh snapshot, so edits you make meanwhile are not taken for a worker's.
 */
export const CARRY_OVER_MS = 5_000;

export interface WatchOptions {
  /**
   * Look at your checkout again when the call ends (worktree mode). Without, it is taken as the call
   * found it: for a call that cannot write it (confined), when another look comes before the checkpoint.
   */
  checkout: boolean;
}

/**
 * The integrity watch around worker calls and verification (engine/effects/perform.ts): a snapshot
 * before, one after, what differs. One watcher serves every run of a process (an orchestration runs several).
 */
export function integrityWatcher(now: () => number = () => performance.now()) {
  const closing = new Map<string, { at: number; snapshot: IntegritySnapshot }>();
  const dirs = new Map<string, IntegritySnapshot['dirs']>();
  return async (state: RunState, journalAsLeft?: () => boolean, opts: WatchOptions = { checkout: true }): Promise<() => Promise<string[]>> => {
    const last = closing.get(state.run_id);
    closing.delete(state.run_id);
    const before = last && now() - last.at <= CARRY_OVER_MS ? carriedOver(state, last.snapshot, journalAsLeft) : await takeSnapshot(state, journalAsLeft, dirs.get(state.run_id));
    dirs.set(state.run_id, before.dirs);
    return async () => {
      const after = await takeSnapshot(state, journalAsLeft, before.dirs, { snapshot: before, keepCheckout: !opts.checkout });
      const found = await tamperings(state, before, after);
      if (!found.length) closing.set(state.run_id, { at: now(), snapshot: after });
      return found;
    };
  };
}
