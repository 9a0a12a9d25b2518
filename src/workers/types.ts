import type { ResultOf } from '../contracts/effects.js';
import type { WorkerPhase } from '../contracts/phases.js';
import type { SandboxSpec } from './sandbox/confine.js';
import type { ActivityItem } from './activity/item.js';

export interface WorkerContext {
  phase: WorkerPhase;
  runId: string;
  runDir: string;
  workDir: string;
  milestoneIndex: number;
  attempt: number;
  /** Where the transcript goes (prompt, output), secrets redacted. */
  logPath: string;
  stallTimeoutMs: number;
  timeoutMs: number;
  /** The run's time budget ends at this instant. */
  deadlineMs: number;
  graceMs: number;
  /** Says whether a parsed object is this phase's final result (used for the lingering-exit grace). */
  isFinalResult: (value: unknown) => boolean;
  /**
   * Continue this earlier session with this shorter prompt instead of starting afresh (only for
   * adapters with `sessions`). An adapter whose CLI no longer knows the session starts afresh.
   */
  continuation?: { sessionId: string; prompt: string; usage?: SessionUsage };
  onSpawn?: (pid: number) => void;
  /** Told what the worker does as it happens (its tool calls, messages, tokens; a command's stderr lines), secrets redacted. */
  onActivity?: (item: ActivityItem) => void;
  /** Aborted when the run is cancelled: the worker's process tree is killed at once. */
  signal?: AbortSignal;
  /** Run confined (runr's sandbox); absent: unconfined, for the reason in `unconfined` (said in the transcript). */
  sandbox?: SandboxSpec;
  unconfined?: string;
}

export type WorkerOutput = Omit<ResultOf<'worker'>, 'kind'>;
export type SessionUsage = NonNullable<WorkerOutput['session_usage']>;

/** One interface for every worker type (ARCHITECTURE: adding a worker is one new file). */
export interface WorkerAdapter {
  /** Whether the worker can continue an earlier session (`ctx.continuation`). */
  readonly sessions: boolean;
  run(prompt: string, ctx: WorkerContext): Promise<WorkerOutput>;
}
