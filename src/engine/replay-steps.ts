import type { Effect, EffectResult } from '../contracts/effects.js';
import type { RunEvent } from '../contracts/events.js';
import { PHASES, type Phase } from '../contracts/phases.js';
import type { ReplayStep } from '../contracts/replay.js';
import type { RunState } from '../contracts/state.js';
import { step } from './machine.js';
import { effectHead, effectOutcome } from './effect-labels.js';

/** One step of a replay and the whole state it produced. */
export interface ReplayedStep {
  step: ReplayStep;
  state: RunState;
}

/** Folds the journal (already in the current format) event by event: every event with the state it produced. */
export function replaySteps(events: readonly RunEvent[]): ReplayedStep[] {
  const out: ReplayedStep[] = [];
  const effects = new Map<string, Effect>();
  let state: RunState | null = null;
  for (const event of events) {
    if (event.type === 'effect_started') effects.set(event.effect.id, event.effect);
    const before: RunState | null = state;
    state = step(state, event).state;
    out.push({ step: replayStep(event, before, state, effects), state });
  }
  return out;
}

function replayStep(event: RunEvent, before: RunState | null, after: RunState, effects: Map<string, Effect>): ReplayStep {
  return { seq: event.seq, ts: event.ts, event: describeEvent(event, before, after, effects), state: stateView(after) };
}

/** The compact view of a state each step carries. */
export function stateView(state: RunState): ReplayStep['state'] {
  return {
    phase: state.phase,
    milestone_index: state.milestone_index,
    milestones_completed: state.milestones.filter((m) => m.status === 'complete').length,
    milestones_total: state.milestones.length,
    stop_reason: state.stop_reason,
    waiting: waitingOf(state),
    counters: {
      verification_failures: state.loop.verification_failures,
      review_rounds: state.loop.review_rounds,
      implement_attempt: state.loop.implement_attempt,
      ticks: state.stats.ticks,
    },
    usage: state.stats.usage.total,
  };
}

function waitingOf(state: RunState): ReplayStep['state']['waiting'] {
  if (state.queue.waiting) return { ...state.queue.waiting };
  if (state.stop_reason === 'quota_wait') return { reason: 'quota_wait', ...(state.queue.retry_at ? { retry_at: state.queue.retry_at } : {}) };
  if (state.stop_reason === 'awaiting_approval') {
    return { reason: 'awaiting_approval', ...(state.ended_at ? { since: state.ended_at } : {}), ...(state.approval_gate ? { gate: state.approval_gate } : {}) };
  }
  return null;
}

type StepEvent = ReplayStep['event'];

function describeEvent(event: RunEvent, before: RunState | null, after: RunState, effects: Map<string, Effect>): StepEvent {
  switch (event.type) {
    case 'run_started':
      return { type: event.type, description: `run started${event.run.options.fast ? ' (--fast)' : ''}: ${event.run.task.title}` };
    case 'effect_started': {
      const effect = effectView(event.effect, after);
      return { type: event.type, effect, description: `${effectLabel(effect)} started` };
    }
    case 'effect_result': {
      const known = before?.queue.pending.find((e) => e.id === event.effect_id) ?? effects.get(event.effect_id);
      const effect = known ? effectView(known, before ?? after) : { id: event.effect_id, kind: event.result.kind };
      const outcome = effectOutcome(event.result);
      // The machine applies a result only to the effect at the head of the queue (machine.ts onResult).
      const head = before?.queue.pending[0];
      const ignored = head?.id === event.effect_id && head.kind === event.result.kind ? '' : ' (already applied: ignored)';
      return { type: event.type, effect, outcome, description: `${effectLabel(effect)} → ${outcomeText(event.result, outcome)}${ignored}` };
    }
    case 'run_resumed': {
      const how = [event.force ? 'force' : '', event.approval ? event.approval.verdict : ''].filter(Boolean).join(', ');
      return { type: event.type, description: `resumed: session ${after.session.number}${how ? ` (${how})` : ''}` };
    }
    case 'worker_activity': {
      const known = effects.get(event.effect_id);
      const effect = known ? effectView(known, before ?? after) : { id: event.effect_id, kind: 'worker' };
      return { type: event.type, effect, description: `${effectLabel(effect)} activity: ${activityText(event.items)}` };
    }
    case 'run_stopped':
      return { type: event.type, outcome: event.reason, description: `stopped: ${event.reason}${event.detail ? ` (${firstLine(event.detail)})` : ''}` };
  }
}

function effectView(effect: Effect, state: RunState): NonNullable<StepEvent['effect']> {
  const view: NonNullable<StepEvent['effect']> = { id: effect.id, kind: effect.kind };
  if (effect.kind === 'worker') view.phase = effect.phase;
  if (effect.kind === 'guard') view.phase = `after ${effect.after}`;
  const belongsToMilestone = 'milestone_index' in effect && !(effect.kind === 'worker' && effect.phase === 'PLAN');
  if (belongsToMilestone) view.milestone = state.milestones[effect.milestone_index]?.id ?? `m${effect.milestone_index + 1}`;
  if (effect.kind === 'worker' || effect.kind === 'verify') view.attempt = effect.attempt;
  return view;
}

/** `IMPLEMENT m1 a2`, `GUARD after VERIFY m1`, `CHECKPOINT m2`, `PREPARE`. */
function effectLabel(effect: NonNullable<StepEvent['effect']>): string {
  const head = effectHead(effect);
  const phase = effect.kind === 'guard' && effect.phase ? ` ${effect.phase}` : '';
  return `${head}${phase}${effect.milestone ? ` ${effect.milestone}` : ''}${effect.attempt !== undefined ? ` a${effect.attempt}` : ''}`;
}

function outcomeText(result: EffectResult, outcome: string): string {
  switch (result.kind) {
    case 'worker': {
      const answer = result.result && typeof result.result === 'object' ? result.result as Record<string, unknown> : null;
      const said = answer && typeof answer.status === 'string' ? answer.status : answer && typeof answer.verdict === 'string' ? answer.verdict : null;
      const milestones = answer && Array.isArray(answer.milestones) ? `${answer.milestones.length} milestone${answer.milestones.length === 1 ? '' : 's'}` : null;
      const detail = outcome === 'result' ? said ?? milestones : result.detail ? firstLine(result.detail) : null;
      return detail ? `${outcome} ${detail}` : outcome;
    }
    case 'verify': {
      const f = result.failure;
      if (result.ok || !f) return outcome;
      return `failed: ${f.command} ${f.timed_out ? 'timed out' : `exit ${f.exit_code}`}`;
    }
    case 'guard':
      return result.ok ? `ok (${result.changed} changed${result.empty ? ', empty' : ''})` : `failed: ${result.violations.length} violation${result.violations.length === 1 ? '' : 's'}`;
    case 'checkpoint':
      return result.ok ? `ok ${result.sha.slice(0, 8)}${result.empty ? ' (empty)' : ''}` : `failed: ${result.stop}`;
    case 'prepare_workspace':
      return result.ok ? 'ok' : `failed: ${result.stop}`;
    default:
      return outcome;
  }
}

/** `Edit src/auth.ts (+2)`: the event's first item and how many more it holds. */
export function activityText(items: readonly { text: string }[]): string {
  const first = items[0]?.text ?? 'nothing';
  return items.length > 1 ? `${first} (+${items.length - 1})` : first;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** What `--at` names: a seq, a phase, or a milestone. */
export type ReplayAt = { seq: number } | { phase: Phase } | { milestone: number };

/** Parses `--at`: a seq number, a phase name (any case), or `m<n>`; null when it is none of these. */
export function parseAt(text: string): ReplayAt | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { seq: Number(t) };
  const phase = PHASES.find((p) => p === t.toUpperCase());
  if (phase) return { phase };
  const m = /^m(\d+)$/i.exec(t);
  if (m && Number(m[1]) >= 1) return { milestone: Number(m[1]) };
  return null;
}

/**
 * The index of the step `at` selects: the step of that seq, the first step whose resulting phase is that
 * phase, or the first event of that milestone (an effect of it, PLAN aside); -1 when none.
 */
export function selectAt(steps: readonly ReplayStep[], at: ReplayAt): number {
  if ('seq' in at) return steps.findIndex((s) => s.seq === at.seq);
  if ('phase' in at) return steps.findIndex((s) => s.state.phase === at.phase);
  // Milestone ids are m1, m2… (phases/plan.ts).
  return steps.findIndex((s) => s.event.effect?.milestone === `m${at.milestone}`);
}

/** What a journal holds that `--at` could name, for the error when it names nothing. */
export function describeChoices(steps: readonly ReplayStep[]): string {
  if (!steps.length) return 'the journal has no events';
  const phases = PHASES.filter((p) => steps.some((s) => s.state.phase === p));
  const milestones = [...new Set(steps.map((s) => s.event.effect?.milestone).filter((m): m is string => m !== undefined))];
  return `seq ${steps[0]!.seq}..${steps.at(-1)!.seq}; phases ${phases.join(', ')}${milestones.length ? `; milestones ${milestones.join(', ')}` : '; no milestone events'}`;
}
