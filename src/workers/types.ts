import type { ResultOf } from '../contracts/effects.js';
import type { WorkerPhase } from '../engine/phases.js';

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
  onSpawn?: (pid: number) => void;
}

export type WorkerOutput = Omit<ResultOf<'worker'>, 'kind'>;

/** One interface for every worker type (ARCHITECTURE: adding a worker is one new file). */
export interface WorkerAdapter {
  run(prompt: string, ctx: WorkerContext): Promise<WorkerOutput>;
}
