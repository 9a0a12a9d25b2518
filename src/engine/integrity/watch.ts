import type { RunState } from '../../contracts/state.js';
import { dirsOf } from '../../util/dirs-of.js';
import { watchCheckout, type CheckoutEvents } from './checkout-events.js';
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
   * The call could write your checkout (worktree mode): look at it again when the call ends. Without,
   * it is looked at only when its file events say something happened in it since the last look.
   */
  checkout: boolean;
}

/** A snapshot and, when your checkout's events were watched as it was taken, their count at its look. */
type Seen = IntegritySnapshot & { checkoutSeenAt?: number };

/**
 * The integrity watch around worker calls and verification (engine/effects/perform.ts): a snapshot
 * before, one after, what differs. One watcher serves every run of a process (an orchestration runs several).
 */
export function integrityWatcher(now: () => number = () => performance.now()) {
  const closing = new Map<string, { at: number; snapshot: Seen; expiry: NodeJS.Timeout }>();
  const dirs = new Map<string, IntegritySnapshot['dirs']>();
  const events = new Map<string, CheckoutEvents>();
  const stopEvents = (runId: string) => {
    events.get(runId)?.close();
    events.delete(runId);
  };
  /** A look at the checkout, noting where its events stood just before. */
  const looked = async (runId: string, take: () => Promise<IntegritySnapshot>): Promise<Seen> => {
    const watcher = events.get(runId);
    const at = watcher?.mark();
    const snapshot: Seen = await take();
    if (watcher && snapshot.checkout) watcher.add(dirsOf(Object.keys(snapshot.checkout.paths)));
    return { ...snapshot, checkoutSeenAt: at };
  };
  return async (state: RunState, journalAsLeft?: () => boolean, opts: WatchOptions = { checkout: true }): Promise<() => Promise<string[]>> => {
    const runId = state.run_id;
    const last = closing.get(runId);
    if (last) clearTimeout(last.expiry);
    closing.delete(runId);
    let before: Seen;
    if (last && now() - last.at <= CARRY_OVER_MS) {
      before = { ...carriedOver(state, last.snapshot, journalAsLeft), checkoutSeenAt: last.snapshot.checkoutSeenAt };
    } else {
      stopEvents(runId);
      if (state.options.worktree) events.set(runId, await watchCheckout(state.repo_root));
      before = await looked(runId, () => takeSnapshot(state, journalAsLeft, dirs.get(runId)));
    }
    dirs.set(runId, before.dirs);
    return async () => {
      const watcher = events.get(runId);
      const quiet = !opts.checkout && watcher !== undefined && before.checkoutSeenAt !== undefined && !(await watcher.since(before.checkoutSeenAt));
      const after: Seen = quiet
        ? { ...(await takeSnapshot(state, journalAsLeft, before.dirs, { snapshot: before, keepCheckout: true })), checkoutSeenAt: before.checkoutSeenAt }
        : await looked(runId, () => takeSnapshot(state, journalAsLeft, before.dirs, { snapshot: before, keepCheckout: false }));
      const found = await tamperings(state, before, after);
      if (found.length) {
        stopEvents(runId);
        return found;
      }
      const expiry = setTimeout(() => {
        closing.delete(runId);
        stopEvents(runId);
      }, CARRY_OVER_MS).unref();
      closing.set(runId, { at: now(), snapshot: after, expiry });
      return found;
    };
  };
}
