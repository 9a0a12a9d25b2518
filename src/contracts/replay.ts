import { z } from 'zod';
import { PHASES } from './phases.js';
import { STOP_REASON_NAMES } from './stop-reasons.js';
import { RunStateSchema, UsageTotalsSchema } from './state.js';

/**
 * `runr replay`: one journal event and a compact view of the state it produced (the fold of the journal
 * up to it), so that a person can see what runr knew when it decided something.
 */
export const ReplayStepSchema = z.object({
  seq: z.number().int(),
  ts: z.string(),
  event: z.object({
    type: z.enum(['run_started', 'effect_started', 'worker_activity', 'effect_result', 'run_resumed', 'run_stopped']),
    /** One line: the effect (kind, phase, milestone, attempt) and, for a result, its outcome. */
    description: z.string(),
    /** The effect the event starts, reports the activity of, or answers (absent for run_started, run_resumed, run_stopped). */
    effect: z.object({
      id: z.string(),
      kind: z.string(),
      phase: z.string().optional(),
      /** The milestone's id (m1, m2…); absent for effects of no milestone (PLAN, prepare, finalize…). */
      milestone: z.string().optional(),
      attempt: z.number().int().optional(),
    }).optional(),
    /** effect_result: ok, failed, a worker's outcome (result, crashed, rate_limited…); run_stopped: the reason. */
    outcome: z.string().optional(),
  }),
  state: z.object({
    phase: z.enum(PHASES),
    milestone_index: z.number().int(),
    milestones_completed: z.number().int(),
    milestones_total: z.number().int(),
    stop_reason: z.enum(STOP_REASON_NAMES).nullable(),
    /** A wait for time (quota_wait, until retry_at) or for a person (awaiting_approval, at gate). */
    waiting: z.object({ reason: z.string(), since: z.string().optional(), retry_at: z.string().optional(), gate: z.string().optional() }).nullable(),
    counters: z.object({
      verification_failures: z.number().int(),
      review_rounds: z.number().int(),
      implement_attempt: z.number().int(),
      /** Work steps performed over every session (worker calls, guards, verifications, checkpoints). */
      ticks: z.number().int(),
    }),
    usage: UsageTotalsSchema,
  }),
});
export type ReplayStep = z.infer<typeof ReplayStepSchema>;

/** `runr replay --at … --json`: its last line, the whole state after the selected event. */
export const ReplayAtOutputSchema = z.object({
  at: z.number().int(),
  state: RunStateSchema,
});
export type ReplayAtOutput = z.infer<typeof ReplayAtOutputSchema>;
