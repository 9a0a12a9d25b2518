import { liveness } from './lease.js';

/** How often the lease is checked while observing (a dead executor writes no file event). */
const LEASE_CHECK_MS = 1_000;
/** Consecutive checks without a live lease before the run counts as abandoned. */
const STALE_CHECKS = 2;

/**
 * Calls `check` on every file event in the run directory (and once a second) until it says the
 * observation is over, until `timeoutMs`, or until nobody has executed the run for two lease
 * checks: no observer can hang on a run that will not move. An aborted `signal` ends the observation
 * (not the run) by rejecting with the signal's reason.
 */
export async function observeRun(
  runDir: string, check: () => Promise<boolean> | boolean, timeoutMs: number | null = null, signal?: AbortSignal,
): Promise<'done' | 'timeout' | 'stale'> {
  signal?.throwIfAborted();
  if (await check()) return 'done';
  const { watch } = await import('chokidar');
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    let over = false;
    let misses = 0;
    // atomic: false — state.json is replaced by rename; chokidar's atomic mode would hold such events back ~100 ms.
    const watcher = watch(runDir, { depth: 0, ignoreInitial: true, atomic: false });
    const finish = (end: 'done' | 'timeout' | 'stale' | 'aborted') => {
      if (over) return;
      over = true;
      clearInterval(leaseTimer);
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // Answer first; closing the watcher can take a while and must not delay the caller.
      if (end === 'aborted') reject(signal?.reason);
      else resolve(end);
      void watcher.close();
    };
    const onAbort = () => finish('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    const recheck = async () => {
      if (!over && (await check())) finish('done');
    };
    // Any event, not only state.json's: chokidar throttles repeated changes of one file, and the run's last
    // state.json write comes milliseconds after the one before it; lease.json and report.json follow it.
    watcher.on('all', () => void recheck());
    watcher.on('ready', () => void recheck());
    const leaseTimer = setInterval(async () => {
      await recheck();
      if (over) return;
      misses = liveness(runDir).alive ? 0 : misses + 1;
      if (misses >= STALE_CHECKS) finish('stale');
    }, LEASE_CHECK_MS);
    const timer = timeoutMs !== null ? setTimeout(() => finish('timeout'), timeoutMs) : null;
  });
}
