import type { RunState } from '../contracts/state.js';
import type { NextAction, StopReason } from '../contracts/stop-reasons.js';
import { STOP_REASONS } from '../contracts/stop-reasons.js';
import { runrCommand } from '../contracts/next-step.js';

export interface Liveness {
  /** The lease holder's pid, when there is a lease. */
  pid: number | null;
  alive: boolean;
  /** A live lease whose heartbeat is overdue: since when, and when it expires (the run can then be taken over). */
  overdue?: { since: string; expires_at: string } | null;
}

export interface Guidance {
  next_action: NextAction;
  suggested_command: string;
  explanation: string;
}

/** The registry's suggested command for a stop reason, with this run's real ids. */
export function suggestedFor(state: RunState, reason: StopReason): string {
  return STOP_REASONS[reason].suggest({
    runId: state.run_id, branch: state.branch, baseSha: state.base_sha, configPath: state.config_path, fix: state.stop_fix,
  });
}

/** What to do next about a run, from the stop-reason registry or from its liveness. */
export function guidance(state: RunState, live: Liveness): Guidance {
  if (state.stop_reason && !state.finalized && !live.alive) {
    const spec = STOP_REASONS[state.stop_reason];
    return {
      next_action: 'resume',
      suggested_command: runrCommand('resume', state.run_id),
      explanation: spec.resumable
        ? `${spec.explanation} Its clean-up did not run either; resume does it first, then continues the run.`
        : `The run stopped (${state.stop_reason}) but its executor died before cleaning up; resume finishes the clean-up and reports the stop.`,
    };
  }
  if (state.stop_reason) {
    const spec = STOP_REASONS[state.stop_reason];
    return {
      next_action: spec.nextAction,
      suggested_command: suggestedFor(state, state.stop_reason),
      explanation: spec.explanation,
    };
  }
  if (!live.alive) {
    return {
      next_action: 'resume',
      suggested_command: runrCommand('resume', state.run_id),
      explanation: 'No live process is executing this run (it was killed or crashed); resume continues it from where it was.',
    };
  }
  return {
    next_action: 'none',
    suggested_command: runrCommand('wait', state.run_id, '--for', 'terminal', '--json'),
    explanation: state.queue.waiting
      ? `The run is waiting (${state.queue.waiting.reason}) until ${state.queue.waiting.retry_at}.`
      : `The run is executing (${state.phase}).`,
  };
}

export function milestonesCompleted(state: RunState): number {
  return state.milestones.filter((m) => m.status === 'complete').length;
}

/** Whole seconds since the run's current session (start or last resume) began. */
export function sessionElapsedS(state: RunState, nowMs = Date.now()): number {
  return Math.round((nowMs - Date.parse(state.session.started_at)) / 1000);
}

/** Terminal: stopped, and the stop's clean-up (finalize) is done. */
export function isTerminal(state: RunState): boolean {
  return state.phase === 'STOPPED' && state.finalized;
}
