import type { SuperviseHooks } from '../engine/supervisor.js';
import { LEASE_TIMING } from '../store/lease.js';

/**
 * The end-to-end tests' crash and freeze points and lease timing, read from the environment here at the
 * edge and handed to the engine as hooks: RUNR_TEST_CRASH_AFTER_SEQ exits abruptly (as kill -9 would)
 * once the journal reaches that many events; RUNR_TEST_FREEZE_AFTER_SEQ stops the process (SIGSTOP, as
 * a suspended laptop would) right after that event; RUNR_LEASE_HEARTBEAT_MS / RUNR_LEASE_EXPIRY_MS
 * shorten the lease timing of runs whose config sets none.
 */
export function testHooksFromEnv(env: NodeJS.ProcessEnv = process.env): SuperviseHooks | undefined {
  const crashAfter = env.RUNR_TEST_CRASH_AFTER_SEQ ? Number(env.RUNR_TEST_CRASH_AFTER_SEQ) : undefined;
  const freezeAfter = env.RUNR_TEST_FREEZE_AFTER_SEQ ? Number(env.RUNR_TEST_FREEZE_AFTER_SEQ) : undefined;
  const leaseTiming = env.RUNR_LEASE_HEARTBEAT_MS || env.RUNR_LEASE_EXPIRY_MS
    ? { heartbeatMs: Number(env.RUNR_LEASE_HEARTBEAT_MS ?? LEASE_TIMING.heartbeatMs), expiryMs: Number(env.RUNR_LEASE_EXPIRY_MS ?? LEASE_TIMING.expiryMs) }
    : undefined;
  if (crashAfter === undefined && freezeAfter === undefined && !leaseTiming) return undefined;
  return {
    leaseTiming,
    afterEvent(seq) {
      if (crashAfter !== undefined && seq >= crashAfter) process.kill(process.pid, 'SIGKILL');
      if (freezeAfter !== undefined && seq === freezeAfter) process.kill(process.pid, 'SIGSTOP');
    },
  };
}
