import type { ProcessOutcome } from '../util/process.js';
import type { WorkerContext, WorkerOutput } from './types.js';

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * The outcome when the worker process did not end by itself (could not start, went silent,
 * overran), whatever kind of worker it is; null when it exited or was ended after its result.
 */
export function abnormalEnd(out: ProcessOutcome, file: string, ctx: WorkerContext): Pick<WorkerOutput, 'outcome' | 'detail'> | null {
  switch (out.end) {
    case 'spawn_error':
      return { outcome: 'missing', detail: `could not start ${file}: ${out.spawnError}` };
    case 'stall':
      return { outcome: 'stalled', detail: `no output for ${seconds(ctx.stallTimeoutMs)}; the worker and everything it started were killed` };
    case 'timeout':
      return { outcome: 'timed_out', detail: `the worker ran longer than ${seconds(ctx.timeoutMs)} and was killed` };
    case 'deadline':
      return { outcome: 'time_budget', detail: 'the time budget ran out while the worker was running' };
    default:
      return null;
  }
}
