import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import type { Clock } from './clock.js';
import type { WatchOptions } from '../integrity/watch.js';
import type { ActivityItem } from '../../workers/activity/item.js';

/**
 * Everything the supervisor does to the world, injected: the real adapters (git, worker CLIs,
 * verification commands) by default, fakes in in-process tests, and other executors (a queue-backed
 * worker) with their own. The supervisor and the machine never reach past these.
 */
export interface EnginePorts {
  workers: WorkerPort;
  git: GitPort;
  verification: VerificationPort;
  guard: GuardPort;
  clock: Clock;
}

/** Runs one worker call (PLAN, IMPLEMENT or REVIEW) and says what came of it. */
export interface WorkerPort {
  call(effect: EffectOf<'worker'>, ctx: PerformContext): Promise<ResultOf<'worker'>>;
}

/** Runs the verification tiers on the work as it is on disk. */
export interface VerificationPort {
  run(effect: EffectOf<'verify'>, ctx: PerformContext): Promise<ResultOf<'verify'>>;
}

/** Checks the milestone's changes against the run's scope (allowlist, denylist, secrets) and records the tree checked. */
export interface GuardPort {
  check(effect: EffectOf<'guard'>, ctx: PerformContext): Promise<ResultOf<'guard'>>;
}

/**
 * The run's workspace and branch: entering it, committing checkpoints, leaving it at a stop, and the
 * integrity snapshots taken around anything that runs the worker's code (SPEC §11).
 */
export interface GitPort {
  prepareWorkspace(state: RunState): Promise<ResultOf<'prepare_workspace'>>;
  checkpoint(effect: EffectOf<'checkpoint'>, ctx: PerformContext): Promise<ResultOf<'checkpoint'>>;
  finalizeWorkspace(state: RunState): Promise<ResultOf<'finalize'>>;
  /**
   * Notes what only runr may change, as it is now; the function returned says, one line each, what of it
   * has changed since (empty: nothing).
   */
  watchIntegrity(state: RunState, journalAsLeft?: () => boolean, opts?: WatchOptions): Promise<() => Promise<string[]>>;
}

/** What a performer needs besides the state: where to log, when time runs out, how to track children. */
export interface PerformContext {
  state: RunState;
  /** Instant (epoch ms) at which the session's time budget ends. */
  deadlineMs: number;
  onSpawn: (pid: number) => void;
  /** Told what a worker does while its call runs (journaled as worker_activity). */
  onActivity?: (item: ActivityItem) => void;
  /** Whether the journal is as runr last wrote it (runr journals activity during a worker call). */
  journalAsLeft?: () => boolean;
  /** Aborted when the run is cancelled: ends this run's processes, never another run's. */
  signal: AbortSignal;
  /** What the effect is performed through. */
  ports: EnginePorts;
}
