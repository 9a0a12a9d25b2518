import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { ImplementResultSchema } from '../../contracts/worker-results.js';
import { CHANGE_STRATEGY_AT, NO_CHANGE_SIGNATURE, repeatCount, STOP_AT_REPEATS } from '../signatures.js';
import { schedule, stop, updateMilestone, withFeedback, withLoop } from '../state-ops.js';
import { interpretWorker, retryRequest } from './worker-outcome.js';

/** How many CLI-reported action failures a milestone keeps for the report (the latest ones). */
const MILESTONE_ACTION_FAILURES = 30;

/** IMPLEMENT: the implementer edits the worktree; the scope guard checks what it changed. */
export function onImplementResult(state: RunState, effect: EffectOf<'worker'>, result: ResultOf<'worker'>, ts: string): RunState {
  const out = interpretWorker(recordActionFailures(state, effect, result), effect, result, ImplementResultSchema, ts,
    (s, detail) => stop(s, 'worker_failed', ts, { detail, resume: retryRequest(effect) }));
  if (out.kind === 'done') return out.state;

  const { status, summary, blocked_reason, no_change_reason } = out.value;
  if (status !== 'ok') {
    const note = blocked_reason ?? summary ?? `the implementer reported "${status}"`;
    return stop(withFeedback(out.state, { implement_note: note }), 'implement_blocked', ts, {
      detail: note,
      resume: { ...retryRequest(effect), attempt: effect.attempt + 1 },
    });
  }
  return schedule(withFeedback(out.state, { implement_note: summary ?? null, no_change_reason: no_change_reason?.trim() || null }), {
    kind: 'guard', after: 'IMPLEMENT', milestone_index: effect.milestone_index,
  });
}

/**
 * What the CLI said failed among the implementer's own actions: the next attempt is told (a follow-up
 * in the same attempt adds to them), and the milestone keeps them for the report.
 */
function recordActionFailures(state: RunState, effect: EffectOf<'worker'>, result: ResultOf<'worker'>): RunState {
  const failures = result.action_failures ?? [];
  const carried = effect.followup > 0 ? state.feedback.action_failures ?? [] : [];
  const last = [...carried, ...failures];
  const next = withFeedback(state, { action_failures: last.length ? last : null });
  if (!failures.length) return next;
  const milestone = next.milestones[effect.milestone_index];
  if (!milestone) return next;
  const kept = [...(milestone.action_failures ?? []), ...failures.map((f) => `attempt ${effect.attempt}: ${f}`)];
  return updateMilestone(next, effect.milestone_index, { action_failures: kept.slice(-MILESTONE_ACTION_FAILURES) });
}

/**
 * The implementer changed no file since the last checkpoint. With a `no_change_reason` the milestone
 * goes on to verification and review as it is (and is checkpointed without a commit); without one,
 * nothing is verified: the next attempt is told that no file changed. The same empty answer again and
 * again follows the failure-signature rules: a change of strategy, then `repeated_failure`.
 */
export function onEmptyImplement(state: RunState, milestoneIndex: number, ts: string): RunState {
  if (state.feedback.no_change_reason) {
    return schedule(state, { kind: 'verify', milestone_index: milestoneIndex, attempt: state.loop.verification_failures + 1 });
  }
  const next = withLoop(state, { failure_signatures: [...state.loop.failure_signatures, NO_CHANGE_SIGNATURE].slice(-10) });
  const repeats = repeatCount(next.loop.failure_signatures);
  if (repeats >= STOP_AT_REPEATS) {
    const expected = next.milestones[milestoneIndex]?.files_expected ?? [];
    return stop(next, 'repeated_failure', ts, {
      detail: `the implementer changed no file ${repeats} times in a row and gave no no_change_reason${expected.length ? ` (files expected: ${expected.join(', ')})` : ''}`,
      resume: fixRequest(next, state.loop.implement_attempt + 1),
    });
  }
  return scheduleFix(next);
}

/** Whether the last attempt of this milestone changed no file (its prompt then says so). */
export function lastAttemptChangedNothing(state: RunState): boolean {
  return state.loop.failure_signatures.at(-1) === NO_CHANGE_SIGNATURE;
}

/** The next implementer request for this milestone: a fix after failed verification or review. */
export function scheduleFix(state: RunState): RunState {
  const attempt = state.loop.implement_attempt + 1;
  return schedule(withLoop(state, { implement_attempt: attempt }), fixRequest(state, attempt));
}

/** An implementer request for another attempt; after the same failure twice in a row it changes strategy. */
export function fixRequest(state: RunState, attempt: number) {
  const change = repeatCount(state.loop.failure_signatures) >= CHANGE_STRATEGY_AT;
  return {
    kind: 'worker', phase: 'IMPLEMENT', milestone_index: state.milestone_index, attempt, followup: 0,
    ...(change ? { change_strategy: true } : {}),
  } as const;
}
