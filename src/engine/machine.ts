import type { Effect, EffectRequest, EffectResult } from '../contracts/effects.js';
import type { RunEvent } from '../contracts/events.js';
import type { RunInit, RunState } from '../contracts/state.js';
import { TIMED_PHASES, type TimedPhase } from '../contracts/phases.js';
import { onCheckpointResult } from './phases/checkpoint.js';
import { onGuardResult } from './phases/guard.js';
import { onImplementResult } from './phases/implement.js';
import { onPlanResult, startMilestone } from './phases/plan.js';
import { onReviewResult } from './phases/review.js';
import { onVerifyResult } from './phases/verify.js';
import { addSeconds, emptyUsage, msBetween, phaseOf, schedule, stop, withId } from './state-ops.js';

/**
 * The run state machine: a pure function of (state, event). No I/O, no clock: time comes from
 * the event's `ts`. The supervisor performs `state.pending[0]` and feeds its result back in.
 */
export interface StepOutput {
  state: RunState;
  /** Effects newly scheduled by this step (the whole queue is `state.pending`). */
  effects: Effect[];
}

export function step(state: RunState | null, event: RunEvent): StepOutput {
  const before = state?.effect_seq ?? 0;
  const next = apply(state, event);
  return { state: next, effects: next.pending.filter((e) => Number(e.id.slice(1)) > before) };
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
  const phaseStats = Object.fromEntries(TIMED_PHASES.map((p) => [p, { duration_ms: 0, count: 0 }])) as RunState['phase_stats'];
  let state: RunState = {
    ...run,
    v: 1,
    phase: fast ? 'IMPLEMENT' : 'PLAN',
    milestone_index: 0,
    milestones,
    stop_reason: null,
    stop_detail: null,
    stop_fix: null,
    approval_gate: null,
    verification_failures: 0,
    review_rounds: 0,
    implement_attempt: 0,
    last_review_comments: null,
    last_implement_note: null,
    last_verification_failure: null,
    guard_violation_files: null,
    checkpoint_sha: null,
    verified_tree: null,
    ticks: 0,
    session_ticks: 0,
    session_started_at: ts,
    sessions: 1,
    started_at: ts,
    updated_at: ts,
    ended_at: null,
    pending: [],
    in_flight: null,
    in_flight_since: null,
    resume_effect: null,
    effect_seq: 0,
    waiting: null,
    retry_at: null,
    finalized: false,
    wip_ref: null,
    usage: { total: emptyUsage(), by_phase: {}, by_milestone: {} },
    worker_sessions: {},
    quota_waits: 0,
    failure_signatures: [],
    phase_stats: phaseStats,
    verify_stats: { attempts: 0, retries: 0, total_duration_ms: 0 },
    last_worker_log: null,
  };
  state = schedule(state, { kind: 'prepare_workspace' });
  if (fast) return startMilestone(state, 0);
  return schedule(state, { kind: 'worker', phase: 'PLAN', milestone_index: 0, attempt: 1, followup: 0 });
}

function onStarted(state: RunState, effect: Effect, ts: string): RunState {
  if (state.pending[0]?.id !== effect.id) return state;
  let next: RunState = { ...state, in_flight: effect.id, in_flight_since: ts };
  const phase = phaseOf(effect);
  if (phase) next.phase = phase;
  if (effect.kind === 'wait_until') return next;
  if (next.waiting) next = { ...next, waiting: null };
  if (effect.kind === 'worker' && effect.phase === 'IMPLEMENT') next.implement_attempt = effect.attempt;
  if (phase && phase !== 'PLAN' && next.milestones[next.milestone_index]) {
    next.milestones = next.milestones.map((m, i) =>
      i === next.milestone_index && m.status === 'pending' ? { ...m, status: 'in_progress' } : m);
  }
  return next;
}

const WORK_EFFECTS = new Set(['worker', 'guard', 'verify', 'checkpoint']);

function onResult(state: RunState, effectId: string, result: EffectResult, ts: string): RunState {
  const effect = state.pending[0];
  // A result for anything but the head was already applied (or never asked for): never apply twice.
  if (!effect || effect.id !== effectId || effect.kind !== result.kind) return state;

  let next: RunState = { ...state, pending: state.pending.slice(1), in_flight: null, in_flight_since: null };
  const phase = phaseOf(effect);
  if (phase && effect.kind !== 'guard' && state.in_flight_since && (TIMED_PHASES as readonly string[]).includes(phase)) {
    const p = phase as TimedPhase;
    next.phase_stats = {
      ...next.phase_stats,
      [p]: { duration_ms: next.phase_stats[p].duration_ms + msBetween(state.in_flight_since, ts), count: next.phase_stats[p].count + 1 },
    };
  }
  if (WORK_EFFECTS.has(effect.kind)) next = { ...next, ticks: next.ticks + 1, session_ticks: next.session_ticks + 1 };

  next = dispatch(next, effect, result, ts);
  return next.phase === 'STOPPED' ? next : enforceLimits(next, ts);
}

function dispatch(state: RunState, effect: Effect, result: EffectResult, ts: string): RunState {
  const tampered = result.kind === 'worker' || result.kind === 'verify' ? result.tampered : null;
  if (tampered?.length) {
    const { id: _id, ...again } = effect;
    return stop(state, 'worker_tampered', ts, { detail: `nothing was committed; changed during ${describeEffect(effect)}: ${tampered.join('; ')}`, resume: again });
  }
  if (effect.kind === 'worker' && result.kind === 'worker') {
    if (effect.phase === 'PLAN') return onPlanResult(state, effect, result, ts);
    if (effect.phase === 'IMPLEMENT') return onImplementResult(state, effect, result, ts);
    return onReviewResult(state, effect, result, ts);
  }
  if (effect.kind === 'guard' && result.kind === 'guard') return onGuardResult(state, effect, result, ts);
  if (effect.kind === 'verify' && result.kind === 'verify') return onVerifyResult(state, effect, result, ts);
  if (effect.kind === 'checkpoint' && result.kind === 'checkpoint') return onCheckpointResult(state, effect, result, ts);
  if (effect.kind === 'prepare_workspace' && result.kind === 'prepare_workspace') {
    if (result.ok) return state;
    // Every resume prepares the workspace again by itself: what a resume must go on with is the work
    // this session was about to do (resuming with a second prepare would leave nothing to do).
    const work = state.pending.find((e) => e.kind !== 'prepare_workspace' && e.kind !== 'wait_until');
    const { id: _id, ...again } = work ?? effect;
    return stop(state, result.stop, ts, { detail: result.detail, resume: work ? again : null });
  }
  if (effect.kind === 'wait_until') return { ...state, waiting: null };
  if (effect.kind === 'finalize' && result.kind === 'finalize') {
    return { ...state, finalized: true, wip_ref: result.wip_ref ?? null };
  }
  return state;
}

function describeEffect(effect: Effect): string {
  return effect.kind === 'worker' ? `the ${effect.phase} worker call` : 'verification (which runs the worker\'s code)';
}

/** --time, --max-ticks and --budget-usd are checked before the next effect starts. */
function enforceLimits(state: RunState, ts: string): RunState {
  const head = state.pending[0];
  if (!head) return state;
  const { id: _id, ...again } = head;
  const deadline = addSeconds(state.session_started_at, state.options.time_budget_min * 60);
  if (head.kind !== 'wait_until' && Date.parse(ts) >= Date.parse(deadline)) {
    return stop(state, 'time_budget_exceeded', ts, {
      detail: `the time budget of ${state.options.time_budget_min} min ran out`, resume: again,
    });
  }
  if (state.options.max_ticks !== null && state.session_ticks >= state.options.max_ticks) {
    return stop(state, 'max_ticks_reached', ts, { detail: `${state.session_ticks} steps performed`, resume: again });
  }
  const budget = state.options.budget_usd;
  if (budget !== null && head.kind === 'worker' && state.usage.total.cost_usd >= budget) {
    return stop(state, 'budget_exceeded', ts, {
      detail: `reported cost $${state.usage.total.cost_usd.toFixed(4)} reached the budget of $${budget}`, resume: again,
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
    sessions: state.sessions + 1,
    session_started_at: event.ts,
    session_ticks: 0,
    in_flight: null,
    in_flight_since: null,
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
      guard_violation_files: null,
      waiting: null,
      verification_failures: reason === 'verification_failed_max_retries' ? 0 : next.verification_failures,
      review_rounds: reason === 'review_loop_detected' ? 0 : next.review_rounds,
      last_review_comments: reason === 'review_loop_detected' ? null : next.last_review_comments,
    };
    queue = state.resume_effect ? [state.resume_effect] : [];
    next.resume_effect = null;
    next.approval_gate = null;
    if (rejected !== null) {
      let work: Effect;
      [next, work] = withId(afterRejection(next, state.approval_gate, rejected), rejectionWork(next, state.approval_gate));
      queue = [work];
    }
  } else {
    queue = state.pending;
  }
  let prepare: Effect;
  [next, prepare] = withId(next, { kind: 'prepare_workspace' });
  const head = queue.find((e) => phaseOf(e));
  return { ...next, pending: [prepare, ...queue], phase: (head && phaseOf(head)) || (next.phase === 'STOPPED' ? 'PLAN' : next.phase) };
}

/**
 * The executor stopped the run (interrupted, disk full). The work in flight or next in line is what a
 * resume performs again; a wait or a workspace preparation is not (every resume prepares its workspace,
 * and a quota wait cut short ends in the retry it was waiting for). A run already stopped keeps its stop.
 */
function onStopped(state: RunState, event: Extract<RunEvent, { type: 'run_stopped' }>): RunState {
  if (state.phase === 'STOPPED') return state;
  const work = state.pending.find((e) => e.kind !== 'prepare_workspace' && e.kind !== 'wait_until');
  const again = work ? withoutId(work) : null;
  return stop({ ...state, in_flight: null, in_flight_since: null }, event.reason, event.ts, { detail: event.detail, resume: again });
}

function withoutId({ id: _id, ...request }: Effect): EffectRequest {
  return request as EffectRequest;
}

/** A rejected plan is planned again; a rejected checkpoint goes back to the implementer. Either way, with the reason. */
function afterRejection(state: RunState, gate: RunState['approval_gate'], reason: string): RunState {
  const comments = [`The operator rejected the ${gate === 'plan' ? 'plan' : 'change'}: ${reason}`];
  return gate === 'plan'
    ? { ...state, milestones: [], last_review_comments: comments }
    : { ...state, last_review_comments: comments };
}

function rejectionWork(state: RunState, gate: RunState['approval_gate']): EffectRequest {
  return gate === 'plan'
    ? { kind: 'worker', phase: 'PLAN', milestone_index: 0, attempt: 1, followup: 0 }
    : { kind: 'worker', phase: 'IMPLEMENT', milestone_index: state.milestone_index, attempt: state.implement_attempt + 1, followup: 0 };
}
