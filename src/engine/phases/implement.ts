import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { ImplementResultSchema } from '../../contracts/worker-results.js';
import { CHANGE_STRATEGY_AT, repeatCount } from '../signatures.js';
import { schedule, stop } from '../state-ops.js';
import { interpretWorker, retryRequest } from './worker-outcome.js';

/** IMPLEMENT: the implementer edits the worktree; the scope guard checks what it changed. */
export function onImplementResult(state: RunState, effect: EffectOf<'worker'>, result: ResultOf<'worker'>, ts: string): RunState {
  const out = interpretWorker(state, effect, result, ImplementResultSchema, ts,
    (s, detail) => stop(s, 'worker_failed', ts, { detail, resume: retryRequest(effect) }));
  if (out.kind === 'done') return out.state;

  const { status, summary, blocked_reason } = out.value;
  if (status !== 'ok') {
    const note = blocked_reason ?? summary ?? `the implementer reported "${status}"`;
    return stop({ ...out.state, last_implement_note: note }, 'implement_blocked', ts, {
      detail: note,
      resume: { ...retryRequest(effect), attempt: effect.attempt + 1 },
    });
  }
  return schedule({ ...out.state, last_implement_note: summary ?? null }, {
    kind: 'guard', after: 'IMPLEMENT', milestone_index: effect.milestone_index,
  });
}

/** The next implementer request for this milestone: a fix after failed verification or review. */
export function scheduleFix(state: RunState): RunState {
  const attempt = state.implement_attempt + 1;
  return schedule({ ...state, implement_attempt: attempt }, fixRequest(state, attempt));
}

/** An implementer request for another attempt; after the same failure twice in a row it changes strategy. */
export function fixRequest(state: RunState, attempt: number) {
  const change = repeatCount(state.failure_signatures) >= CHANGE_STRATEGY_AT;
  return {
    kind: 'worker', phase: 'IMPLEMENT', milestone_index: state.milestone_index, attempt, followup: 0,
    ...(change ? { change_strategy: true } : {}),
  } as const;
}
