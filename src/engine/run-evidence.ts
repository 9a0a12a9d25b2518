import fs from 'node:fs';
import { journalPath } from '../store/paths.js';

/** One verification of a milestone (after a fix or a review round too): each command's result, in the order they ran. */
export interface VerifyAttempt {
  ok: boolean;
  commands: { tier: string; command: string; exit_code: number | null; duration_ms: number; timed_out: boolean }[];
}

/** One reviewer answer about a milestone. */
export interface ReviewRound {
  verdict: string;
  comments: string[];
}

export interface MilestoneEvidence {
  verify: VerifyAttempt[];
  reviews: ReviewRound[];
}

interface LooseEvent {
  type?: string;
  effect?: { id?: string; kind?: string; phase?: string; milestone_index?: number };
  effect_id?: string;
  result?: Record<string, unknown>;
}

const emptyEvidence = (): MilestoneEvidence => ({ verify: [], reviews: [] });

/**
 * Verification and review evidence per milestone index, from a run's journal events (already redacted
 * when journaled). Read loosely: an event of an unexpected shape is skipped, not an error.
 */
export function evidenceFromEvents(events: readonly unknown[]): Map<number, MilestoneEvidence> {
  const started = new Map<string, NonNullable<LooseEvent['effect']>>();
  const byMilestone = new Map<number, MilestoneEvidence>();
  const of = (index: number) => byMilestone.get(index) ?? byMilestone.set(index, emptyEvidence()).get(index)!;
  for (const raw of events) {
    if (raw === null || typeof raw !== 'object') continue;
    const event = raw as LooseEvent;
    if (event.type === 'effect_started' && event.effect?.id) started.set(event.effect.id, event.effect);
    if (event.type !== 'effect_result' || !event.effect_id || !event.result) continue;
    const effect = started.get(event.effect_id);
    if (!effect || typeof effect.milestone_index !== 'number') continue;
    const result = event.result;
    if (effect.kind === 'verify' && result.kind === 'verify') {
      of(effect.milestone_index).verify.push({
        ok: result.ok === true,
        commands: Array.isArray(result.commands) ? (result.commands as VerifyAttempt['commands']) : [],
      });
    }
    if (effect.kind === 'worker' && effect.phase === 'REVIEW' && result.outcome === 'result') {
      const answer = result.result as { verdict?: unknown; comments?: unknown } | undefined;
      if (typeof answer?.verdict !== 'string') continue;
      const comments = Array.isArray(answer.comments) ? answer.comments.filter((c): c is string => typeof c === 'string') : [];
      of(effect.milestone_index).reviews.push({ verdict: answer.verdict, comments });
    }
  }
  return byMilestone;
}

/** The evidence of a run's journal (events.ndjson); a line that does not parse (a torn tail) is skipped. */
export function readRunEvidence(runDir: string): Map<number, MilestoneEvidence> {
  let text: string;
  try {
    text = fs.readFileSync(journalPath(runDir), 'utf8');
  } catch {
    return new Map();
  }
  const events: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      /* a torn last line */
    }
  }
  return evidenceFromEvents(events);
}
