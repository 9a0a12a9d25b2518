import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { ReviewResultSchema } from '../../contracts/worker-results.js';
import { approvalGate, schedule, stop, withFeedback, withLoop } from '../state-ops.js';
import { scheduleFix } from './implement.js';
import { interpretWorker, retryRequest } from './worker-outcome.js';
import { approvalChoices } from '../../contracts/next-step.js';

function normalise(comments: string[]): string {
  return comments.map((c) => c.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean).sort().join('\n');
}

/** REVIEW: approve → CHECKPOINT; request_changes → IMPLEMENT, bounded and loop-detected. */
export function onReviewResult(state: RunState, effect: EffectOf<'worker'>, result: ResultOf<'worker'>, ts: string): RunState {
  const out = interpretWorker(state, effect, result, ReviewResultSchema, ts,
    (s, detail) => stop(s, 'worker_failed', ts, { detail, resume: retryRequest(effect) }));
  if (out.kind === 'done') return out.state;

  if (out.value.verdict === 'approve') {
    const checkpoint = { kind: 'checkpoint', milestone_index: effect.milestone_index } as const;
    const id = state.milestones[effect.milestone_index]?.id ?? '';
    const gated = approvalGate(out.state, 'checkpoint', checkpoint, ts,
      `milestone ${id} is verified and reviewed; its checkpoint waits for approval: ${approvalChoices(state.run_id)}`);
    return gated ?? schedule(out.state, checkpoint);
  }
  const comments = out.value.comments ?? [];
  const rounds = state.loop.review_rounds + 1;
  const previous = state.feedback.review_comments;
  const repeated = previous !== null && normalise(previous) === normalise(comments);
  const next = withFeedback(withLoop(out.state, { review_rounds: rounds }), { review_comments: comments });
  // max_review_rounds is the number of change rounds allowed: stop when one more is asked for (SPEC §4).
  if (repeated || rounds > state.config.limits.max_review_rounds) {
    return stop(next, 'review_loop_detected', ts, {
      detail: repeated
        ? `the reviewer requested the same changes twice in a row: ${comments.join(' | ')}`
        : `the reviewer requested changes ${rounds} times, more than max_review_rounds (${state.config.limits.max_review_rounds})`,
      resume: retryRequest(effect),
    });
  }
  return scheduleFix(next);
}
