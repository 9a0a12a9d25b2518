import type { WorkerRole } from '../contracts/config.js';
import type { Effect } from '../contracts/effects.js';
import type { RunEvent } from '../contracts/events.js';
import type { ReplayStep } from '../contracts/replay.js';
import type { ReportOutput } from '../contracts/outputs.js';
import type { ApprovalEvidence } from './approvals.js';
import { effectHead, effectOutcome } from '../engine/effect-labels.js';

/** One effect performed: from its effect_started to its effect_result (or to the next event when none came). */
export interface EffectSpan {
  kind: Effect['kind'];
  /** The worker's phase; for other effects GUARD, VERIFY, CHECKPOINT… */
  phase: string;
  /** m1, m2…; null for effects of the whole run (PLAN, prepare, finalize, waits). */
  milestone: string | null;
  attempt: number | null;
  start: string;
  end: string;
  outcome: string;
}

export interface VerifyEvidence {
  milestone: string;
  attempt: number;
  ok: boolean;
  commands: { tier: string; command: string; exit_code: number | null; duration_ms: number; timed_out: boolean }[];
  failure: { command: string; exit_code: number | null; timed_out: boolean; excerpt: string } | null;
}

export interface ReviewEvidence { milestone: string; round: number; verdict: string; comments: string[] }

export interface WaitEvidence { reason: string; since: string; until: string | null; detail: string }

export interface WorkerCall {
  phase: string;
  milestone: string | null;
  attempt: number | null;
  outcome: string;
  duration_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
}

export interface CheckpointDiff { milestone: string; goal: string; sha: string; text: string; truncated: boolean }

/** Everything the run page shows (its renderer is pure: this in, HTML out). */
export interface RunHtmlData {
  report: ReportOutput;
  spans: EffectSpan[];
  verify: VerifyEvidence[];
  reviews: ReviewEvidence[];
  waits: WaitEvidence[];
  calls: WorkerCall[];
  diffs: CheckpointDiff[];
  replay: ReplayStep[];
  /** The config's approval gates, and each one reached with its verdict. */
  approvalGates: string[];
  approvals: ApprovalEvidence[];
  /** Each role's worker type, as the run's config gives it. */
  workers: Record<WorkerRole, string>;
}

function milestoneOf(effect: Effect, ids: readonly string[]): string | null {
  if (!('milestone_index' in effect) || (effect.kind === 'worker' && effect.phase === 'PLAN')) return null;
  return ids[effect.milestone_index] ?? `m${effect.milestone_index + 1}`;
}

/** The spans, evidence, waits and worker calls of a run's journal (events in the current format). */
export function modelOfEvents(events: readonly RunEvent[], milestoneIds: readonly string[]): Pick<RunHtmlData, 'spans' | 'verify' | 'reviews' | 'waits' | 'calls'> {
  const open = new Map<string, { effect: Effect; ts: string }>();
  const out: Pick<RunHtmlData, 'spans' | 'verify' | 'reviews' | 'waits' | 'calls'> = { spans: [], verify: [], reviews: [], waits: [], calls: [] };
  const reviewRounds = new Map<string, number>();
  const close = (effect: Effect, start: string, end: string, outcome: string) => {
    out.spans.push({
      kind: effect.kind, phase: effectHead(effect), milestone: milestoneOf(effect, milestoneIds),
      attempt: 'attempt' in effect ? effect.attempt : null, start, end, outcome,
    });
  };
  for (const event of events) {
    if (event.type === 'effect_started') {
      open.set(event.effect.id, { effect: event.effect, ts: event.ts });
      if (event.effect.kind === 'wait_until') out.waits.push({ reason: 'quota_wait', since: event.ts, until: event.effect.until, detail: 'waiting for the worker\'s quota to reset' });
      continue;
    }
    // A worker's activity comes while its call runs: the call goes on.
    if (event.type === 'worker_activity') continue;
    if (event.type !== 'effect_result') {
      // An effect in flight when the run stopped or resumed ended there (it is performed again on resume).
      for (const o of open.values()) close(o.effect, o.ts, event.ts, 'interrupted');
      open.clear();
      continue;
    }
    const started = open.get(event.effect_id);
    if (!started) continue;
    open.delete(event.effect_id);
    const { effect } = started;
    const result = event.result;
    close(effect, started.ts, event.ts, effectOutcome(result));
    const milestone = milestoneOf(effect, milestoneIds) ?? '';
    if (effect.kind === 'verify' && result.kind === 'verify') {
      const f = result.failure;
      out.verify.push({
        milestone, attempt: effect.attempt, ok: result.ok, commands: result.commands,
        failure: f ? { command: f.command, exit_code: f.exit_code, timed_out: f.timed_out, excerpt: f.excerpt } : null,
      });
    }
    if (effect.kind === 'worker' && result.kind === 'worker') {
      const u = result.usage;
      out.calls.push({
        phase: effect.phase, milestone: milestoneOf(effect, milestoneIds), attempt: effect.attempt, outcome: result.outcome,
        duration_ms: result.duration_ms ?? null, input_tokens: u?.input_tokens ?? null, output_tokens: u?.output_tokens ?? null, cost_usd: u?.cost_usd ?? null,
      });
      const answer = result.result as { verdict?: unknown; comments?: unknown } | undefined;
      if (effect.phase === 'REVIEW' && result.outcome === 'result' && typeof answer?.verdict === 'string') {
        const round = (reviewRounds.get(milestone) ?? 0) + 1;
        reviewRounds.set(milestone, round);
        const comments = Array.isArray(answer.comments) ? answer.comments.filter((c): c is string => typeof c === 'string') : [];
        out.reviews.push({ milestone, round, verdict: answer.verdict, comments });
      }
    }
  }
  return out;
}

/** Approval waits as the replay's states show them (a state waiting for a person, until the next that is not). */
export function approvalWaits(steps: readonly ReplayStep[]): WaitEvidence[] {
  const waits: WaitEvidence[] = [];
  let current: WaitEvidence | null = null;
  for (const s of steps) {
    const w = s.state.waiting;
    if (w?.reason === 'awaiting_approval' && !current) {
      current = { reason: 'awaiting_approval', since: w.since ?? s.ts, until: null, detail: w.gate ? `approval gate: ${w.gate}` : 'awaiting approval' };
      waits.push(current);
    } else if (w?.reason !== 'awaiting_approval' && current) {
      current.until = s.ts;
      current = null;
    }
  }
  return waits;
}
