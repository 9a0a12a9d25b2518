import type { WatchEvent } from '../contracts/outputs.js';
import type { RunState } from '../contracts/state.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT, type ExitCode } from '../contracts/exit-codes.js';
import { exitCodeFor, type StopReason } from '../contracts/stop-reasons.js';
import { runrCommand } from '../contracts/next-step.js';
import { guidance, isTerminal, milestonesCompleted, sessionElapsedS } from './describe.js';
import { detachSupervisor } from './detach.js';
import { loadState } from './load-state.js';
import { resumeRun } from './resume-run.js';
import { waitForTerminal } from './wait-run.js';
import { decideAfterStop, type WatchPolicy } from './watch-policy.js';
import { systemClock } from './ports/clock.js';

export interface WatchLoopOptions extends WatchPolicy {
  /** Milliseconds between `watching` events while the run executes. */
  intervalMs: number;
  /** Ends the watching (never the run, nor a resumed run's background executor). */
  signal?: AbortSignal;
}

export interface WatchResult {
  /** How the watching ended: the run succeeded, needs a person (`stopped`), ran out of auto-resumes, or the signal ended it. */
  end: 'succeeded' | 'stopped' | 'gave_up' | 'aborted';
  /** The run's stop reason when the watching ended (null: it is executing, or nobody executes it). */
  stopReason: StopReason | null;
  /** Auto-resumes made. */
  attempts: number;
  /** The exit code `runr watch` ends with: 0 succeeded, the stop reason's code otherwise, 130 when aborted. */
  exitCode: ExitCode;
}

interface WatchedRun { repoRoot: string; runId: string; runDir: string }

/**
 * Watches a run until it succeeds or needs a person, resuming it (in a detached background process, so
 * the run outlives the watcher) when it stops for a resumable reason and the policy allows
 * (engine/watch-policy.ts decides). Every event `runr watch` prints goes to `emit`, the final one last.
 */
export async function watchLoop(run: WatchedRun, opts: WatchLoopOptions, emit: (event: WatchEvent) => void): Promise<WatchResult> {
  const { runId, runDir } = run;
  let attempts = 0;
  let state: RunState | null = null;
  const result = (end: WatchResult['end'], exitCode: ExitCode): WatchResult => ({ end, stopReason: state?.stop_reason ?? null, attempts, exitCode });
  try {
    for (;;) {
      const stop = await untilStopped(runDir, opts, (executing) => emit({
        event: 'watching', run_id: runId, phase: executing.phase, elapsed_s: sessionElapsedS(executing), milestones_completed: milestonesCompleted(executing),
      }));
      state = stop.state;
      const stale = stop.end !== 'terminal';
      const decision = decideAfterStop(state, stale, attempts, opts, Date.now());
      const reason = state?.stop_reason ?? null;
      switch (decision.kind) {
        case 'succeeded':
          emit({ event: 'succeeded', run_id: runId, milestones_completed: state ? milestonesCompleted(state) : 0, elapsed_s: state ? sessionElapsedS(state) : 0 });
          return result('succeeded', EXIT.ok);
        case 'stopped': {
          const next = state ? guidance(state, { pid: null, alive: false }) : { next_action: 'inspect_logs' as const, suggested_command: runrCommand('status', runId) };
          emit({
            event: 'stopped', run_id: runId, stop_reason: reason, milestones_completed: state ? milestonesCompleted(state) : 0,
            next_action: next.next_action, suggested_command: next.suggested_command,
          });
          return result('stopped', exitCodeFor(reason));
        }
        case 'gave_up':
          emit({ event: 'gave_up', run_id: runId, stop_reason: reason, attempt: attempts, suggested_command: runrCommand('resume', runId) });
          return result('gave_up', exitCodeFor(reason));
        case 'resume': {
          emit({
            event: 'failed', run_id: runId, phase: state?.phase ?? 'PLAN', stop_reason: reason,
            ...(stale ? { stale: true as const } : {}), attempt: attempts, resume_at: new Date(decision.at).toISOString(),
          });
          await sleepUnlessAborted(decision.at - Date.now(), opts.signal);
          attempts += 1;
          const { leaseToken } = await resumeWhenReleased(runDir, opts.signal);
          // Handed over at once: from here the run is the background executor's, whatever becomes of this watcher.
          detachSupervisor(run.repoRoot, runId, runDir, leaseToken);
          state = null; // executing again: no stop to report should the watching end now
          emit({ event: 'resumed', run_id: runId, attempt: attempts });
          break;
        }
      }
    }
  } catch (err) {
    if (opts.signal?.aborted && err === opts.signal.reason) return result('aborted', EXIT.interrupted);
    throw err;
  }
}

/** Waits for the run to stop (or go stale), reporting its state every `intervalMs` meanwhile. */
async function untilStopped(runDir: string, opts: WatchLoopOptions, report: (state: RunState) => void) {
  let waiting = true;
  const ticker = setInterval(async () => {
    const state = await loadState(runDir).catch(() => null);
    if (waiting && state && !isTerminal(state)) report(state);
  }, opts.intervalMs);
  try {
    return await waitForTerminal(runDir, null, opts.signal);
  } finally {
    waiting = false;
    clearInterval(ticker);
  }
}

/** The executor of a stopped run lets go of its lease a moment after the stop is final: resume once it has. */
async function resumeWhenReleased(runDir: string, signal: AbortSignal | undefined) {
  for (let tries = 0; ; tries++) {
    signal?.throwIfAborted();
    try {
      return await resumeRun({ runDir, force: false });
    } catch (err) {
      if (!(err instanceof RunrError) || err.code !== 'locked' || tries >= LEASE_RELEASE_TRIES) throw err;
      await sleepUnlessAborted(200, signal);
    }
  }
}

const LEASE_RELEASE_TRIES = 50;

/** Resolves after `ms`, or rejects with the signal's reason once it is aborted (which ends the watching). */
async function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await systemClock.sleep(ms, signal);
  signal?.throwIfAborted();
}
