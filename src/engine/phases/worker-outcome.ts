import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { RateLimitedResultSchema } from '../../contracts/worker-results.js';
import type { z } from 'zod';
import { addSeconds, addUsage, emptyUsage, schedule, stop } from '../state-ops.js';

/** How many completion-enforcement follow-ups a worker gets before its phase fails (SPEC §4). */
export const MAX_FOLLOWUPS = 2;
const DEFAULT_QUOTA_BACKOFF_S = 60;

type WorkerEffect = EffectOf<'worker'>;
type WorkerResult = ResultOf<'worker'>;

export type Interpreted<T> =
  | { kind: 'done'; state: RunState }
  | { kind: 'result'; state: RunState; value: T };

export function retryRequest(effect: WorkerEffect, followup = 0, reason: string | null = null) {
  const { id: _id, ...rest } = effect;
  return { ...rest, followup, followup_reason: reason };
}

function recordUsage(state: RunState, phase: string, result: WorkerResult, parsedUsage: unknown): RunState {
  const usage = (result.usage ?? parsedUsage ?? null) as Parameters<typeof addUsage>[1];
  return {
    ...state,
    last_worker_log: result.log_path ?? state.last_worker_log,
    usage: {
      total: addUsage(state.usage.total, usage),
      by_phase: { ...state.usage.by_phase, [phase]: addUsage(state.usage.by_phase[phase] ?? emptyUsage(), usage) },
    },
  };
}

/**
 * Everything every worker phase does the same way: usage, crashes, stalls, quota pressure and
 * completion enforcement. Returns the validated phase result, or the state the outcome led to.
 */
export function interpretWorker<T>(
  state: RunState,
  effect: WorkerEffect,
  result: WorkerResult,
  schema: z.ZodType<T>,
  ts: string,
  onGiveUp: (state: RunState, detail: string) => RunState,
  /** Follow-ups allowed when the worker did answer, but with an invalid result. */
  maxInvalidFollowups = MAX_FOLLOWUPS,
): Interpreted<T> {
  const raw = result.result as { usage?: unknown } | undefined;
  let next = recordUsage(state, effect.phase, result, raw?.usage);
  const same = retryRequest(effect);
  const tail = result.output_tail ? `\n${result.output_tail}` : '';

  switch (result.outcome) {
    case 'missing':
      return { kind: 'done', state: stop(next, 'worker_missing', ts, { detail: result.detail, resume: same }) };
    case 'stalled':
    case 'timed_out':
      return { kind: 'done', state: stop(next, 'stalled_timeout', ts, { detail: result.detail, resume: same }) };
    case 'time_budget':
      return { kind: 'done', state: stop(next, 'time_budget_exceeded', ts, { detail: result.detail, resume: same }) };
    case 'crashed':
      return {
        kind: 'done',
        state: stop(next, 'worker_failed', ts, {
          detail: `${effect.phase} worker exited with code ${result.exit_code ?? 'unknown'} without a result${tail}`,
          resume: same,
        }),
      };
    default:
      break;
  }

  const limited = RateLimitedResultSchema.safeParse(result.result);
  if (result.outcome === 'result' && limited.success) {
    return { kind: 'done', state: quotaWait(next, effect, limited.data.retry_after_s ?? DEFAULT_QUOTA_BACKOFF_S, ts) };
  }

  const parsed = result.outcome === 'result' ? schema.safeParse(result.result) : null;
  if (parsed?.success) return { kind: 'result', state: next, value: parsed.data };

  const problem = parsed
    ? `its result did not match the ${effect.phase} schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`
    : 'it ended without the required JSON result';
  const limit = parsed ? maxInvalidFollowups : MAX_FOLLOWUPS;
  if (effect.followup < limit) {
    next = schedule(next, retryRequest(effect, effect.followup + 1, problem));
    return { kind: 'done', state: next };
  }
  return { kind: 'done', state: onGiveUp(next, `${effect.phase} worker: ${problem} (after ${effect.followup} follow-ups)${tail}`) };
}

function quotaWait(state: RunState, effect: WorkerEffect, retryAfterS: number, ts: string): RunState {
  const retryAt = addSeconds(ts, retryAfterS);
  const deadline = addSeconds(state.session_started_at, state.options.time_budget_min * 60);
  if (Date.parse(retryAt) >= Date.parse(deadline)) {
    const stopped = stop(state, 'quota_wait', ts, {
      detail: `worker is rate limited until ${retryAt}, after the time budget ends`,
      resume: retryRequest(effect),
    });
    return { ...stopped, retry_at: retryAt };
  }
  let next: RunState = { ...state, waiting: { reason: 'quota_wait', since: ts, retry_at: retryAt }, retry_at: retryAt };
  next = schedule(next, { kind: 'wait_until', until: retryAt, reason: 'quota_wait' });
  return schedule(next, retryRequest(effect));
}
