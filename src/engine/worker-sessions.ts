import type { EffectOf, ResultOf } from '../contracts/effects.js';
import { workerFor } from '../contracts/config.js';
import type { RunState, WorkerSession } from '../contracts/state.js';

type WorkerEffect = EffectOf<'worker'>;

/**
 * The worker session a request continues, or null for a fresh one. Follow-ups within one phase
 * and milestone (completion enforcement, fix attempts) continue the session to save tokens; an
 * attempt that changes strategy (the same failure twice in a row) starts afresh.
 */
export function sessionToContinue(state: RunState, effect: WorkerEffect): WorkerSession | null {
  const followsUp = effect.followup > 0 || (effect.phase === 'IMPLEMENT' && effect.attempt > 1);
  if (!followsUp) return null;
  const session = state.worker_sessions[effect.phase];
  if (!session || session.milestone_index !== effect.milestone_index) return null;
  if (session.worker !== workerFor(state.config, effect.phase).type) return null;
  if (effect.change_strategy) return null;
  return session;
}

/** Remembers the session a worker call ran in. */
export function recordSession(state: RunState, effect: WorkerEffect, result: ResultOf<'worker'>): RunState {
  if (!result.session_id) return state;
  const worker = workerFor(state.config, effect.phase).type;
  return {
    ...state,
    worker_sessions: {
      ...state.worker_sessions,
      [effect.phase]: {
        id: result.session_id, worker, milestone_index: effect.milestone_index,
        ...(result.session_usage ? { usage: result.session_usage } : {}),
      },
    },
  };
}
