import { z } from 'zod';
import { STATE_VERSION } from './state-version.js';
import { PHASES, TIMED_PHASES } from './phases.js';
import { STOP_REASON_NAMES } from './stop-reasons.js';
import { APPROVAL_GATES, ConfigSchema } from './config.js';
import { EffectSchema, VerificationFailureSchema } from './effects.js';
import { SandboxDecisionSchema, SandboxModeSchema } from './sandbox.js';
import { RunTaskSchema } from './task.js';

export { STATE_VERSION };

export const UsageTotalsSchema = z.object({
  input_tokens: z.number(),
  output_tokens: z.number(),
  /** The sum of every known cost; calls whose cost is unknown are counted in `unpriced_calls`. */
  cost_usd: z.number(),
  calls: z.number().int(),
  unpriced_calls: z.number().int(),
});
export type UsageTotals = z.infer<typeof UsageTotalsSchema>;

/** Tokens and cost of every worker call: for the run, per phase, and per milestone. */
export const RunUsageSchema = z.object({
  total: UsageTotalsSchema,
  by_phase: z.record(z.string(), UsageTotalsSchema),
  /** IMPLEMENT and REVIEW calls, by milestone id (PLAN belongs to no milestone). */
  by_milestone: z.record(z.string(), UsageTotalsSchema),
});

export const MilestoneSchema = z.object({
  id: z.string(),
  goal: z.string(),
  files_expected: z.array(z.string()),
  done_checks: z.array(z.string()),
  status: z.enum(['pending', 'in_progress', 'complete']),
  /** null for a milestone without a commit of its own (one that changed no file). */
  checkpoint_sha: z.string().nullable(),
  /** Completed without changing any file, for the implementer's `no_change_reason`. */
  empty: z.boolean().optional(),
  no_change_reason: z.string().nullish(),
  /** Failures the worker CLI reported about the implementer's own actions, per attempt ("attempt 2: …"). */
  action_failures: z.array(z.string()).optional(),
});
export type Milestone = z.infer<typeof MilestoneSchema>;

export const RunOptionsSchema = z.object({
  worktree: z.boolean(),
  fast: z.boolean(),
  allow_deps: z.boolean(),
  allow_dirty: z.boolean(),
  time_budget_min: z.number().positive(),
  max_ticks: z.number().int().positive().nullable(),
  budget_usd: z.number().nonnegative().nullable(),
  /** `runr run --sandbox`: the run's sandbox mode, over the config's (absent: the config decides). */
  sandbox: SandboxModeSchema.optional(),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

/**
 * Everything fixed when a run starts; carried by the `run_started` event. In the journal the paths inside
 * the repository are relative to it (`repo_root` is `.`); loaded, they are absolute (store/run-location.ts).
 */
export const RunInitSchema = z.object({
  run_id: z.string(),
  repo_root: z.string(),
  run_dir: z.string(),
  task_file: z.string(),
  task: RunTaskSchema,
  config: ConfigSchema,
  config_path: z.string(),
  options: RunOptionsSchema,
  branch: z.string(),
  /** The branch the user was on (non-worktree runs return them to it). */
  base_branch: z.string().nullable(),
  base_sha: z.string(),
  work_dir: z.string(),
  /** Paths already dirty when a --allow-dirty run started: never staged, never counted as changes. */
  preexisting_dirty: z.array(z.string()),
});
export type RunInit = z.infer<typeof RunInitSchema>;

export const WorkerSessionSchema = z.object({
  id: z.string(),
  worker: z.string(),
  milestone_index: z.number().int(),
  /** The session's usage so far, for CLIs that report it summed over the session. */
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), cached_input_tokens: z.number().optional() }).optional(),
});
export type WorkerSession = z.infer<typeof WorkerSessionSchema>;

const phaseStat = z.object({ duration_ms: z.number(), count: z.number().int() });


/** The retry loops of the current milestone and the quota backoff. */
export const LoopCountersSchema = z.object({
  verification_failures: z.number().int(),
  review_rounds: z.number().int(),
  implement_attempt: z.number().int(),
  /** Quota waits in a row (the backoff grows with it); reset by any answer from a worker. */
  quota_waits: z.number().int(),
  /** Signatures of the current milestone's verification failures, oldest first. */
  failure_signatures: z.array(z.string()),
});

/** What the last calls found, carried to the next worker call's prompt. */
export const FeedbackSchema = z.object({
  review_comments: z.array(z.string()).nullable(),
  implement_note: z.string().nullable(),
  /** The last implementer answer's no_change_reason. */
  no_change_reason: z.string().nullish(),
  /** Failures the worker CLI reported about the last implementer call's own actions. */
  action_failures: z.array(z.string()).nullish(),
  verification_failure: VerificationFailureSchema.nullable(),
  guard_violation_files: z.array(z.string()).nullable(),
});

/** The executor session: each `run_resumed` starts a new one (with its own time budget and tick count). */
export const SessionSchema = z.object({
  number: z.number().int(),
  started_at: z.string(),
  ticks: z.number().int(),
});

/** What the run has spent so far, over every session. */
export const RunStatsSchema = z.object({
  ticks: z.number().int(),
  usage: RunUsageSchema,
  phase_stats: z.record(z.enum(TIMED_PHASES), phaseStat),
  verify_stats: z.object({ attempts: z.number().int(), retries: z.number().int(), total_duration_ms: z.number() }),
  last_worker_log: z.string().nullable(),
});

/** The effects still to perform and what the run waits for. */
export const EffectQueueSchema = z.object({
  /** Effects still to perform, head first. The head is in flight when `in_flight` names it. */
  pending: z.array(EffectSchema),
  in_flight: z.string().nullable(),
  in_flight_since: z.string().nullable(),
  /** The effect `resume` performs after re-entering the workspace. */
  resume_effect: EffectSchema.nullable(),
  /** The number of the last effect given an id (`e<seq>`). */
  seq: z.number().int(),
  waiting: z.object({ reason: z.literal('quota_wait'), since: z.string(), retry_at: z.string() }).nullable(),
  retry_at: z.string().nullable(),
});

export const RunStateSchema = RunInitSchema.extend({
  v: z.literal(STATE_VERSION),
  phase: z.enum(PHASES),
  milestone_index: z.number().int(),
  milestones: z.array(MilestoneSchema),
  stop_reason: z.enum(STOP_REASON_NAMES).nullable(),
  stop_detail: z.string().nullable(),
  /** The gate an awaiting_approval stop waits at. */
  approval_gate: z.enum(APPROVAL_GATES).nullable(),
  /** What the user must do before resuming, when the stop needs a specific fix (e.g. credentials). */
  stop_fix: z.string().nullable(),
  checkpoint_sha: z.string().nullable(),
  /** The tree of the milestone's files that passed verification: the reviewer sees it, the checkpoint commits it. */
  verified_tree: z.string().nullish(),
  started_at: z.string(),
  updated_at: z.string(),
  ended_at: z.string().nullable(),
  finalized: z.boolean(),
  wip_ref: z.string().nullable(),
  loop: LoopCountersSchema,
  feedback: FeedbackSchema,
  session: SessionSchema,
  stats: RunStatsSchema,
  queue: EffectQueueSchema,
  /** Worker CLI sessions a follow-up in the same phase and milestone may continue. */
  worker_sessions: z.record(z.string(), WorkerSessionSchema),
  /** The sandbox decision of the current session (from `run_started`, then each `run_resumed`); absent in older runs. */
  sandbox: SandboxDecisionSchema.optional(),
});
export type RunState = z.infer<typeof RunStateSchema>;
export type LoopCounters = z.infer<typeof LoopCountersSchema>;
export type Feedback = z.infer<typeof FeedbackSchema>;
export type EffectQueue = z.infer<typeof EffectQueueSchema>;
export type RunStats = z.infer<typeof RunStatsSchema>;
