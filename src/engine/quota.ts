import { createHash } from 'node:crypto';

const BASE_S = 30;
const CAP_S = 30 * 60;

/**
 * Seconds to wait before retrying a rate-limited worker that named no reset time: exponential in
 * the number of waits in a row, capped, with ±20 % jitter. The jitter is derived from the run id
 * and the count (not a random draw) so that replaying the journal reaches the same state.
 */
export function quotaBackoffSeconds(runId: string, waitsInARow: number): number {
  const base = Math.min(CAP_S, BASE_S * 2 ** Math.min(waitsInARow, 16));
  const hash = createHash('sha256').update(`${runId}:${waitsInARow}`).digest();
  const unit = hash.readUInt32BE(0) / 0xffffffff;
  return Math.round(base * (0.8 + 0.4 * unit));
}
