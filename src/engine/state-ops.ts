import type { ApprovalGate } from '../contracts/config.js';
import type { Effect, EffectRequest } from '../contracts/effects.js';
import type { EffectQueue, Feedback, LoopCounters, RunState, RunStats, UsageTotals } from '../contracts/state.js';
import type { Phase } from '../contracts/phases.js';
import type { StopReason } from '../contracts/stop-reasons.js';

/** Small pure helpers the machine and its phase handlers share. Every one returns a new state. */

export function phaseOf(effect: Effect | EffectRequest): Phase | null {
  switch (effect.kind) {
    case 'worker': return effect.phase;
    case 'guard': return effect.after;
    case 'verify': return 'VERIFY';
    case 'checkpoint': return 'CHECKPOINT';
    default: return null;
  }
}

export function withLoop(state: RunState, patch: Partial<LoopCounters>): RunState {
  return { ...state, loop: { ...state.loop, ...patch } };
}

export function withFeedback(state: RunState, patch: Partial<Feedback>): RunState {
  return { ...state, feedback: { ...state.feedback, ...patch } };
}

export function withQueue(state: RunState, patch: Partial<EffectQueue>): RunState {
  return { ...state, queue: { ...state.queue, ...patch } };
}

export function withStats(state: RunState, patch: Partial<RunStats>): RunState {
  return { ...state, stats: { ...state.stats, ...patch } };
}

export function withId(state: RunState, req: EffectRequest): [RunState, Effect] {
  const seq = state.queue.seq + 1;
  return [withQueue(state, { seq }), { ...req, id: `e${seq}` } as Effect];
}

/** Queue an effect to run next (after whatever is already queued). */
export function schedule(state: RunState, req: EffectRequest): RunState {
  const [next, effect] = withId(state, req);
  const phase = phaseOf(effect);
  return { ...withQueue(next, { pending: [...next.queue.pending, effect] }), phase: phase ?? next.phase };
}

export function stop(
  state: RunState,
  reason: StopReason,
  ts: string,
  opts: { detail?: string | null; resume?: EffectRequest | null; fix?: string | null } = {},
): RunState {
  let next = withQueue(state, { pending: [], waiting: null });
  let resumeEffect: Effect | null = null;
  if (opts.resume) [next, resumeEffect] = withId(next, opts.resume);
  next = {
    ...withQueue(next, { resume_effect: resumeEffect }),
    phase: 'STOPPED',
    stop_reason: reason,
    stop_detail: opts.detail ?? null,
    stop_fix: opts.fix ?? null,
    ended_at: ts,
    finalized: false,
  };
  return schedule(next, { kind: 'finalize' });
}

export function updateMilestone(state: RunState, index: number, patch: Partial<RunState['milestones'][number]>): RunState {
  return {
    ...state,
    milestones: state.milestones.map((m, i) => (i === index ? { ...m, ...patch } : m)),
  };
}

export function emptyUsage(): UsageTotals {
  return { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0, unpriced_calls: 0 };
}

export type CallUsage = { input_tokens?: number | null; output_tokens?: number | null; cost_usd?: number | null } | null | undefined;

/** Adds one worker call. A call that used tokens but reported no cost is counted as unpriced. */
export function addUsage(totals: UsageTotals | undefined, usage: CallUsage): UsageTotals {
  const base = totals ?? emptyUsage();
  const tokens = (usage?.input_tokens ?? 0) + (usage?.output_tokens ?? 0);
  const priced = typeof usage?.cost_usd === 'number';
  return {
    input_tokens: base.input_tokens + (usage?.input_tokens ?? 0),
    output_tokens: base.output_tokens + (usage?.output_tokens ?? 0),
    cost_usd: base.cost_usd + (usage?.cost_usd ?? 0),
    calls: base.calls + 1,
    unpriced_calls: base.unpriced_calls + (!priced && tokens > 0 ? 1 : 0),
  };
}

/** Two totals together. */
export function sumUsage(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    input_tokens: a.input_tokens + b.input_tokens, output_tokens: a.output_tokens + b.output_tokens, cost_usd: a.cost_usd + b.cost_usd,
    calls: a.calls + b.calls, unpriced_calls: a.unpriced_calls + b.unpriced_calls,
  };
}

export function msBetween(from: string, to: string): number {
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

export function addSeconds(ts: string, seconds: number): string {
  return new Date(Date.parse(ts) + seconds * 1000).toISOString();
}

/** When this session's time budget (--time) runs out, as an ISO time. */
export function sessionDeadline(state: Pick<RunState, 'session' | 'options'>): string {
  return addSeconds(state.session.started_at, state.options.time_budget_min * 60);
}

/** sessionDeadline in epoch milliseconds. */
export function sessionDeadlineMs(state: Pick<RunState, 'session' | 'options'>): number {
  return Date.parse(sessionDeadline(state));
}

/**
 * Stops at an approval gate when the config asks for one there: the run waits (awaiting_approval)
 * with `work` as what approving it continues with. Returns null when there is no gate.
 */
export function approvalGate(state: RunState, gate: ApprovalGate, work: EffectRequest, ts: string, detail: string): RunState | null {
  if (!state.config.approvals.includes(gate)) return null;
  return stop({ ...state, approval_gate: gate }, 'awaiting_approval', ts, { detail, resume: work });
}
