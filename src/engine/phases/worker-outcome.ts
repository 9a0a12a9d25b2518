import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { RateLimitedResultSchema } from '../../contracts/worker-results.js';
import type { z } from 'zod';
import { quotaBackoffSeconds } from '../quota.js';
import { addSeconds, addUsage, type CallUsage, schedule, sessionDeadlineMs, stop, withLoop, withQueue, withStats } from '../state-ops.js';
import { recordSession } from '../worker-sessions.js';

/** How many completion-enforcement follow-ups a worker gets before its phase fails (SPEC §4). */
export const MAX_FOLLOWUPS = 2;

type WorkerEffect = EffectOf<'worker'>;
type WorkerResult = ResultOf<'worker'>;

export type Interpreted<T> =
  | { kind: 'done'; state: RunState }
  | { kind: 'result'; state: RunState; value: T };

export function retryRequest(effect: WorkerEffect, followup = 0, reason: string | null = null) {
  const { id: _id, ...rest } = effect;
  return { ...rest, followup, followup_reason: reason };
}

function recordUsage(state: RunState, effect: WorkerEffect, result: WorkerResult, parsedUsage: unknown): RunState {
  const usage = (result.usage ?? parsedUsage ?? null) as CallUsage;
  const { total, by_phase, by_milestone } = state.stats.usage;
  const milestone = effect.phase === 'PLAN' ? null : state.milestones[effect.milestone_index]?.id ?? null;
  return withStats(state, {
    last_worker_log: result.log_path ?? state.stats.last_worker_log,
    usage: {
      total: addUsage(total, usage),
      by_phase: { ...by_phase, [effect.phase]: addUsage(by_phase[effect.phase], usage) },
      by_milestone: milestone ? { ...by_milestone, [milestone]: addUsage(by_milestone[milestone], usage) } : by_milestone,
    },
  });
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
  let next = recordSession(recordUsage(state, effect, result, raw?.usage), effect, result);
  const same = retryRequest(effect);
  const tail = result.output_tail ? `\n${result.output_tail}` : '';

  switch (result.outcome) {
    case 'missing':
      return { kind: 'done', state: stop(next, 'worker_missing', ts, { detail: result.detail, resume: same, fix: result.fix }) };
    case 'auth_failed':
      return { kind: 'done', state: stop(next, 'worker_auth_failed', ts, { detail: result.detail, resume: same, fix: result.fix }) };
    case 'rate_limited':
      return { kind: 'done', state: quotaWait(next, effect, retryAtOf(next, result.retry_at, result.retry_after_s, ts), result.detail, ts) };
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
    return { kind: 'done', state: quotaWait(next, effect, retryAtOf(next, null, limited.data.retry_after_s, ts), null, ts) };
  }
  next = withLoop(next, { quota_waits: 0 });

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

/** The worker's own reset time when it gave one, else its retry-after, else backoff with jitter. */
function retryAtOf(state: RunState, retryAt: string | null | undefined, retryAfterS: number | null | undefined, ts: string): string {
  if (retryAt && Number.isFinite(Date.parse(retryAt))) {
    return Date.parse(retryAt) > Date.parse(ts) ? new Date(Date.parse(retryAt)).toISOString() : ts;
  }
  return addSeconds(ts, retryAfterS ?? quotaBackoffSeconds(state.run_id, state.loop.quota_waits));
}

function quotaWait(state: RunState, effect: WorkerEffect, retryAt: string, detail: string | null | undefined, ts: string): RunState {
  const why = detail ? ` (${detail})` : '';
  const waits = state.loop.quota_waits + 1;
  if (Date.parse(retryAt) >= sessionDeadlineMs(state)) {
    const stopped = stop(state, 'quota_wait', ts, {
      detail: `worker is rate limited until ${retryAt}, after the time budget ends${why}`,
      resume: retryRequest(effect),
    });
    return withLoop(withQueue(stopped, { retry_at: retryAt }), { quota_waits: waits });
  }
  let next = withQueue(withLoop(state, { quota_waits: waits }), {
    waiting: { reason: 'quota_wait', since: ts, retry_at: retryAt },
    retry_at: retryAt,
  });
  next = schedule(next, { kind: 'wait_until', until: retryAt, reason: 'quota_wait' });
  return schedule(next, retryRequest(effect));
}
