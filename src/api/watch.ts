import type { WatchEvent } from '../contracts/outputs.js';
import { watchLoop, type WatchResult } from '../engine/watch-loop.js';
import { ReplayStream } from '../util/replay-stream.js';
import { resolveRunArg } from './locate.js';

export type { WatchResult } from '../engine/watch-loop.js';

export interface WatchOptions {
  /** Resume the run when it stops for a resumable reason, or when nobody executes it (default false). */
  autoResume?: boolean;
  /** At most this many auto-resumes (default 3). */
  maxAttempts?: number;
  /** Seconds to wait before each auto-resume (default 10; a quota_wait also waits for its retry_at). */
  cooldownS?: number;
  /** Milliseconds between `watching` events while the run executes (default 5000). */
  intervalMs?: number;
  /** Ends the watching (result `aborted`); the run, and any run it resumed in the background, go on. */
  signal?: AbortSignal;
}

/** A run being watched (`runr watch`). */
export interface RunWatch {
  id: string;
  /** Every watch event from the first (`runr watch --json` prints these), ending with the final one; throws what `result` rejects with. */
  events(): AsyncIterable<WatchEvent>;
  /** Settles once the watching ended; rejects when a resume is refused or fails. */
  result: Promise<WatchResult>;
}

/**
 * Watches a run (wherever it executes) until it succeeds or needs a person; with `autoResume`, resumes it
 * on resumable stops. A resumed run executes in a detached `runr` process, so it goes on if this process ends.
 * The watching starts at once, whether or not anyone reads `events()`.
 */
export async function watchRun(repo: string, runId: string, opts: WatchOptions = {}): Promise<RunWatch> {
  const run = await resolveRunArg(repo, runId);
  const events = new ReplayStream<WatchEvent>();
  const result = watchLoop(run, {
    autoResume: opts.autoResume ?? false,
    maxAttempts: opts.maxAttempts ?? 3,
    cooldownS: opts.cooldownS ?? 10,
    intervalMs: opts.intervalMs ?? 5000,
    signal: opts.signal,
  }, (event) => events.push(event));
  result.then(() => events.end(), (err: unknown) => events.fail(err));
  return { id: run.runId, events: () => events, result };
}
