import type { Effect, EffectKind, EffectOf, EffectRequest, EffectResult, ResultOf } from '../contracts/effects.js';
import type { RunEvent } from '../contracts/events.js';
import { STATE_VERSION, type RunInit, type RunState } from '../contracts/state.js';
import { TIMED_PHASES, type TimedPhase, type WorkerPhase } from '../contracts/phases.js';
import { onCheckpointResult } from './phases/checkpoint.js';
import { onGuardResult } from './phases/guard.js';
import { onImplementResult } from './phases/implement.js';
import { onPlanResult, startMilestone } from './phases/plan.js';
import { onReviewResult } from './phases/review.js';
import { onVerifyResult } from './phases/verify.js';
import {
  emptyUsage, msBetween, phaseOf, schedule, sessionDeadlineMs, stop, withFeedback, withId, withLoop, withQueue, withStats,
} from './state-ops.js';

/**
 * The run state machine: a pure function of (state, event). No I/O, no clock: time comes from
 * the event's `ts`. The supervisor performs `state.queue.pending[0]` and feeds its result back in.
 */
export interface StepOutput {
  state: RunState;
  /** Effects newly scheduled by this step (the whole queue is `state.queue.pending`). */
  effects: Effect[];
}

export function step(state: RunState | null, event: RunEvent): StepOutput {
  const before = state?.queue.seq ?? 0;
  const next = apply(state, event);
  return { state: next, effects: next.queue.pending.filter((e) => Number(e.id.slice(1)) > before) };
}

/** Rebuild a state from a journal. */
export function replay(events: Iterable<RunEvent>): RunState | null {
  let state: RunState | null = null;
  for (const event of events) state = step(state, event).state;
  return state;
}

function apply(state: RunState | null, event: RunEvent): RunState {
  if (event.type === 'run_started') return { ...start(event.run, event.ts), ...(event.sandbox ? { sandbox: event.sandbox } : {}) };
  if (!state) throw new Error(`journal event ${event.seq} (${event.type}) comes before run_started`);
  // Activity is for people watching: what the run decides never depends on it.
  if (event.type === 'worker_activity') return state;
  const touched = { ...state, updated_at: event.ts };
  switch (event.type) {
    case 'effect_started': return onStarted(touched, event.effect, event.ts);
    case 'effect_result': return onResult(touched, event.effect_id, event.result, event.ts);
    case 'run_resumed': return onResumed(touched, event);
    case 'run_stopped': return onStopped(touched, event);
  }
}

function start(run: RunInit, ts: string): RunState {
  const fast = run.options.fast;
  const milestones = fast
    ? [{ id: 'm1', goal: run.task.goal, files_expected: [], done_checks: [], status: 'pending' as const, checkpoint_sha: null }]
    : [];
  const phaseStats = Object.fromEntries(TIMED_PHASES.map((p) => [p, { duration_ms: 0, count: 0 }])) as RunState['stats']['phase_stats'];
  let state: RunState = {
    ...run,
    v: STATE_VERSION,
    phase: fast ? 'IMPLEMENT' : 'PLAN',
    milestone_index: 0,
    milestones,
    stop_reason: null,
    stop_detail: null,
    stop_fix: null,
    approval_gate: null,
    checkpoint_sha: null,
    verified_tree: null,
    started_at: ts,
    updated_at: ts,
    ended_at: null,
    finalized: false,
    wip_ref: null,
    loop: { verification_failures: 0, review_rounds: 0, implement_attempt: 0, quota_waits: 0, failure_signatures: [] },
    feedback: {
      review_comments: null, implement_note: null, verification_failure: null, guard_violation_files: null,
    },
    session: { number: 1, started_at: ts, ticks: 0 },
    stats: {
      ticks: 0,
      usage: { total: emptyUsage(), by_phase: {}, by_milestone: {} },
      phase_stats: phaseStats,
      verify_stats: { attempts: 0, retries: 0, total_duration_ms: 0 },
      last_worker_log: null,
    },
    queue: { pending: [], in_flight: null, in_flight_since: null, resume_effect: null, seq: 0, waiting: null, retry_at: null },
    worker_sessions: {},
  };
  state = schedule(state, { kind: 'prepare_workspace' });
  if (fast) return startMilestone(state, 0);
  return schedule(state, { kind: 'worker', phase: 'PLAN', milestone_index: 0, attempt: 1, followup: 0 });
}

function onStarted(state: RunState, effect: Effect, ts: string): RunState {
  if (state.queue.pending[0]?.id !== effect.id) return state;
  let next = withQueue(state, { in_flight: effect.id, in_flight_since: ts });
  const phase = phaseOf(effect);
  if (phase) next.phase = phase;
  // A wait resumed by a new session (its executor died while waiting) shows it waits again.
  if (effect.kind === 'wait_until') {
    return next.queue.waiting ? next : withQueue(next, { waiting: { reason: effect.reason, since: ts, retry_at: effect.until }, retry_at: effect.until });
  }
  if (next.queue.waiting) next = withQueue(next, { waiting: null });
  if (effect.kind === 'worker' && effect.phase === 'IMPLEMENT') next = withLoop(next, { implement_attempt: effect.attempt });
  if (phase && phase !== 'PLAN' && next.milestones[next.milestone_index]) {
    next.milestones = next.milestones.map((m, i) =>
      i === next.milestone_index && m.status === 'pending' ? { ...m, status: 'in_progress' } : m);
  }
  return next;
}

const WORK_EFFECTS = new Set<EffectKind>(['worker', 'guard', 'verify', 'checkpoint']);

function onResult(state: RunState, effectId: string, result: EffectResult, ts: string): RunState {
  const effect = state.queue.pending[0];
  // A result for anything but the head was already applied (or never asked for): never apply twice.
  if (!effect || effect.id !== effectId || effect.kind !== result.kind) return state;

  let next = withQueue(state, { pending: state.queue.pending.slice(1), in_flight: null, in_flight_since: null });
  const phase = phaseOf(effect);
  const since = state.queue.in_flight_since;
  if (phase && effect.kind !== 'guard' && since && (TIMED_PHASES as readonly string[]).includes(phase)) {
    const p = phase as TimedPhase;
    const stat = next.stats.phase_stats[p];
    next = withStats(next, {
      phase_stats: { ...next.stats.phase_stats, [p]: { duration_ms: stat.duration_ms + msBetween(since, ts), count: stat.count + 1 } },
    });
  }
  if (WORK_EFFECTS.has(effect.kind)) {
    next = { ...withStats(next, { ticks: next.stats.ticks + 1 }), session: { ...next.session, ticks: next.session.ticks + 1 } };
  }

  next = dispatch(next, effect, result, ts);
  return next.phase === 'STOPPED' ? next : enforceLimits(next, ts);
}

type ResultHandler<K extends EffectKind> = (state: RunState, effect: EffectOf<K>, result: ResultOf<K>, ts: string) => RunState;

/** One handler per effect kind: a kind without one does not compile. */
const RESULT_HANDLERS: { [K in EffectKind]: ResultHandler<K> } = {
  prepare_workspace: onPrepareResult,
  worker: (state, effect, result, ts) => WORKER_RESULT_HANDLERS[effect.phase](state, effect, result, ts),
  guard: onGuardResult,
  verify: onVerifyResult,
  checkpoint: onCheckpointResult,
  wait_until: (state) => withQueue(state, { waiting: null }),
  finalize: (state, _effect, result) => ({ ...state, finalized: true, wip_ref: result.wip_ref ?? null }),
};

/** The worker result handler of each worker phase. */
const WORKER_RESULT_HANDLERS: { [P in WorkerPhase]: ResultHandler<'worker'> } = {
  PLAN: onPlanResult,
  IMPLEMENT: onImplementResult,
  REVIEW: onReviewResult,
};

function dispatch(state: RunState, effect: Effect, result: EffectResult, ts: string): RunState {
  const tampered = result.kind === 'worker' || result.kind === 'verify' ? result.tampered : null;
  if (tampered?.length) {
    const { id: _id, ...again } = effect;
    return stop(state, 'worker_tampered', ts, { detail: `nothing was committed; changed during ${describeEffect(effect)}: ${tampered.join('; ')}`, resume: again });
  }
  return handleResult(state, effect, result as ResultOf<typeof effect.kind>, ts);
}

/** onResult checked that the result's kind is the effect's: this narrows both to that one kind. */
function handleResult<K extends EffectKind>(state: RunState, effect: EffectOf<K>, result: ResultOf<K>, ts: string): RunState {
  const handler = RESULT_HANDLERS[effect.kind as K] as ResultHandler<K>;
  return handler(state, effect, result, ts);
}

function onPrepareResult(state: RunState, effect: EffectOf<'prepare_workspace'>, result: ResultOf<'prepare_workspace'>, ts: string): RunState {
  if (result.ok) return state;
  // Every resume prepares the workspace again by itself: what a resume must go on with is the work
  // this session was about to do (resuming with a second prepare would leave nothing to do).
  const work = state.queue.pending.find((e) => e.kind !== 'prepare_workspace' && e.kind !== 'wait_until');
  const { id: _id, ...again } = work ?? effect;
  return stop(state, result.stop, ts, { detail: result.detail, resume: work ? again : null });
}

function describeEffect(effect: Effect): string {
  return effect.kind === 'worker' ? `the ${effect.phase} worker call` : 'verification (which runs the worker\'s code)';
}

/** --time, --max-ticks and --budget-usd are checked before the next effect starts. */
function enforceLimits(state: RunState, ts: string): RunState {
  const head = state.queue.pending[0];
  if (!head) return state;
  const { id: _id, ...again } = head;
  if (head.kind !== 'wait_until' && Date.parse(ts) >= sessionDeadlineMs(state)) {
    return stop(state, 'time_budget_exceeded', ts, {
      detail: `the time budget of ${state.options.time_budget_min} min ran out`, resume: again,
    });
  }
  if (state.options.max_ticks !== null && state.session.ticks >= state.options.max_ticks) {
    return stop(state, 'max_ticks_reached', ts, { detail: `${state.session.ticks} steps performed`, resume: again });
  }
  const budget = state.options.budget_usd;
  const cost = state.stats.usage.total.cost_usd;
  if (budget !== null && head.kind === 'worker' && cost >= budget) {
    return stop(state, 'budget_exceeded', ts, {
      detail: `reported cost $${cost.toFixed(4)} reached the budget of $${budget}`, resume: again,
    });
  }
  return state;
}

function onResumed(state: RunState, event: Extract<RunEvent, { type: 'run_resumed' }>): RunState {
  const options = { ...state.options, ...event.overrides };
  let next: RunState = {
    ...state,
    options,
    config: event.config ?? state.config,
    ...(event.sandbox ? { sandbox: event.sandbox } : {}),
    session: { number: state.session.number + 1, started_at: event.ts, ticks: 0 },
    queue: { ...state.queue, in_flight: null, in_flight_since: null },
  };
  let queue: Effect[];
  if (state.phase === 'STOPPED') {
    const reason = state.stop_reason;
    const rejected = reason === 'awaiting_approval' && event.approval?.verdict === 'reject' ? event.approval.reason ?? 'rejected' : null;
    next = {
      ...next,
      stop_reason: null,
      stop_detail: null,
      stop_fix: null,
      ended_at: null,
      finalized: false,
      approval_gate: null,
      queue: { ...next.queue, waiting: null, resume_effect: null },
      feedback: {
        ...next.feedback,
        guard_violation_files: null,
        review_comments: reason === 'review_loop_detected' ? null : next.feedback.review_comments,
      },
      loop: {
        ...next.loop,
        verification_failures: reason === 'verification_failed_max_retries' ? 0 : next.loop.verification_failures,
        review_rounds: reason === 'review_loop_detected' ? 0 : next.loop.review_rounds,
      },
    };
    queue = state.queue.resume_effect ? [state.queue.resume_effect] : [];
    if (rejected !== null) {
      let work: Effect;
      [next, work] = withId(afterRejection(next, state.approval_gate, rejected), rejectionWork(next, state.approval_gate));
      queue = [work];
    }
  } else {
    queue = state.queue.pending;
  }
  let prepare: Effect;
  [next, prepare] = withId(next, { kind: 'prepare_workspace' });
  const head = queue.find((e) => phaseOf(e));
  return { ...withQueue(next, { pending: [prepare, ...queue] }), phase: (head && phaseOf(head)) || (next.phase === 'STOPPED' ? 'PLAN' : next.phase) };
}

/**
 * The executor stopped the run (interrupted, disk full). The work in flight or next in line is what a
 * resume performs again; a wait or a workspace preparation is not (every resume prepares its workspace,
 * and a quota wait cut short ends in the retry it was waiting for). A run already stopped keeps its stop.
 */
function onStopped(state: RunState, event: Extract<RunEvent, { type: 'run_stopped' }>): RunState {
  if (state.phase === 'STOPPED') return state;
  const work = state.queue.pending.find((e) => e.kind !== 'prepare_workspace' && e.kind !== 'wait_until');
  const again = work ? withoutId(work) : null;
  return stop(withQueue(state, { in_flight: null, in_flight_since: null }), event.reason, event.ts, { detail: event.detail, resume: again });
}

function withoutId({ id: _id, ...request }: Effect): EffectRequest {
  return request as EffectRequest;
}

/** A rejected plan is planned again; a rejected checkpoint goes back to the implementer. Either way, with the reason. */
function afterRejection(state: RunState, gate: RunState['approval_gate'], reason: string): RunState {
  const comments = [`The operator rejected the ${gate === 'plan' ? 'plan' : 'change'}: ${reason}`];
  const next = withFeedback(state, { review_comments: comments });
  return gate === 'plan' ? { ...next, milestones: [] } : next;
}

function rejectionWork(state: RunState, gate: RunState['approval_gate']): EffectRequest {
  return gate === 'plan'
    ? { kind: 'worker', phase: 'PLAN', milestone_index: 0, attempt: 1, followup: 0 }
    : { kind: 'worker', phase: 'IMPLEMENT', milestone_index: state.milestone_index, attempt: state.loop.implement_attempt + 1, followup: 0 };
}
