import type { RunState } from '../contracts/state.js';
import { isTerminal } from '../engine/describe.js';
import { liveness } from './lease.js';
import { loadState } from './load-state.js';

export type WaitEnd =
  | { end: 'terminal'; state: RunState }
  | { end: 'timeout'; state: RunState | null }
  | { end: 'stale'; state: RunState | null };

/** How often the lease is checked while waiting (a dead executor writes no file event). */
const LEASE_CHECK_MS = 1_000;
/** Consecutive checks without a live lease before the run counts as abandoned. */
const STALE_CHECKS = 2;

/**
 * Resolves when the run is terminal (noticed through file events on its directory), when the
 * timeout expires, or when nobody is executing the run any more, so a wait can never hang on a
 * run that will not move.
 */
export async function waitForTerminal(runDir: string, timeoutMs: number | null): Promise<WaitEnd> {
  const now = await loadState(runDir);
  if (now && isTerminal(now)) return { end: 'terminal', state: now };
  const { watch } = await import('chokidar');
  return new Promise((resolve) => {
    let done = false;
    let misses = 0;
    // atomic: false — state.json is replaced by rename; chokidar's atomic mode would hold such events back ~100 ms.
    const watcher = watch(runDir, { depth: 0, ignoreInitial: true, atomic: false });
    const finish = (result: WaitEnd) => {
      if (done) return;
      done = true;
      clearInterval(leaseTimer);
      if (timer) clearTimeout(timer);
      // Answer first; closing the watcher can take a while and must not delay the caller.
      resolve(result);
      void watcher.close();
    };
    const check = async () => {
      const state = await loadState(runDir);
      if (state && isTerminal(state)) finish({ end: 'terminal', state });
      return state;
    };
    // Any event, not only state.json's: chokidar throttles repeated changes of one file, and the run's last
    // state.json write comes milliseconds after the one before it; lease.json and report.json follow it.
    watcher.on('all', () => void check());
    watcher.on('ready', () => void check());
    const leaseTimer = setInterval(async () => {
      const state = await check();
      if (done) return;
      misses = liveness(runDir).alive ? 0 : misses + 1;
      if (misses >= STALE_CHECKS) finish({ end: 'stale', state });
    }, LEASE_CHECK_MS);
    const timer = timeoutMs !== null ? setTimeout(async () => finish({ end: 'timeout', state: await loadState(runDir) }), timeoutMs) : null;
    void check();
  });
}
