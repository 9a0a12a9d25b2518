import { z } from 'zod';
import { PHASES, TIMED_PHASES } from './phases.js';
import { NEXT_ACTIONS, STOP_REASON_NAMES } from './stop-reasons.js';
import { VerificationFailureSchema } from './effects.js';
import { SandboxDecisionSchema } from './sandbox.js';
import { RunUsageSchema } from './state.js';

/** Every JSON object runr prints. Tests parse the CLI's stdout with these same schemas. */

export const StartOutputSchema = z.object({
  run_id: z.string(),
  run_dir: z.string(),
  repo_root: z.string(),
  status: z.literal('started'),
});

export const ErrorOutputSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

const StopReason = z.enum(STOP_REASON_NAMES);

export const StatusOutputSchema = z.object({
  run_id: z.string(),
  phase: z.enum(PHASES),
  milestone_index: z.number().int(),
  milestones: z.array(z.object({
    id: z.string(), goal: z.string(), status: z.enum(['pending', 'in_progress', 'complete']), checkpoint_sha: z.string().nullable(),
  })),
  stop_reason: StopReason.nullable(),
  stop_detail: z.string().nullable(),
  verification_failures: z.number().int(),
  updated_at: z.string(),
  started_at: z.string(),
  task: z.string(),
  branch: z.string(),
  worktree_path: z.string(),
  checkpoint_sha: z.string().nullable(),
  guard_violation_files: z.array(z.string()).optional(),
  retry_at: z.string().optional(),
  /** A wait that needs time (quota_wait, with retry_at) or a person (awaiting_approval, with its gate). */
  waiting: z.object({ reason: z.string(), since: z.string(), retry_at: z.string().optional(), gate: z.string().optional() }).optional(),
  lease: z.object({ pid: z.number().int(), alive: z.boolean() }).optional(),
  stale: z.literal(true).optional(),
  usage: RunUsageSchema,
  /** Whether the current (or last) session runs workers confined, and why; null for runs from before the sandbox. */
  sandbox: SandboxDecisionSchema.nullable(),
  next_action: z.enum(NEXT_ACTIONS),
  suggested_command: z.string(),
});
export type StatusOutput = z.infer<typeof StatusOutputSchema>;

export const StatusAllOutputSchema = z.object({
  runs: z.array(StatusOutputSchema),
  /** Runs whose state could not be read (e.g. a damaged journal); the others are still listed. */
  errors: z.array(z.object({ run_id: z.string(), message: z.string() })),
});

export const WaitOutputSchema = z.object({
  run_id: z.string(),
  phase: z.enum(PHASES),
  stop_reason: StopReason.nullable(),
  milestones_completed: z.number().int(),
  timed_out: z.literal(true).optional(),
  stale: z.literal(true).optional(),
});
export type WaitOutput = z.infer<typeof WaitOutputSchema>;

export const ReportOutputSchema = z.object({
  version: z.literal(1),
  run_id: z.string(),
  phase: z.enum(PHASES),
  checkpoint_sha: z.string().nullable(),
  total_duration_ms: z.number(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  phases: z.record(z.enum(TIMED_PHASES), z.object({ duration_ms: z.number(), count: z.number().int() })),
  verify: z.object({ attempts: z.number().int(), retries: z.number().int(), total_duration_ms: z.number() }),
  milestones: z.object({ completed: z.number().int(), total: z.number().int() }),
  outcome: z.enum(['complete', 'stopped', 'running', 'unknown']),
  /** Null while running and when complete, as the operator guide specifies; see `final_state`. */
  stop_reason: StopReason.nullable(),
  next_action: z.enum(NEXT_ACTIONS),
  suggested_command: z.string(),
  explanation: z.string(),
  stop_detail: z.string().nullable(),
  task: z.string(),
  branch: z.string(),
  base_sha: z.string(),
  worktree_path: z.string(),
  run_dir: z.string(),
  stale: z.boolean(),
  guard_violation_files: z.array(z.string()).nullable(),
  verification_failure: VerificationFailureSchema.nullable(),
  retry_at: z.string().nullable(),
  /** The repeated failure, normalised (with repeated_failure; otherwise the current milestone's last one, or null). */
  failure_signature: z.string().nullable(),
  usage: RunUsageSchema,
  milestone_list: z.array(z.object({
    id: z.string(), goal: z.string(), status: z.string(), checkpoint_sha: z.string().nullable(),
    /** Completed without changing any file (no commit of its own), for `no_change_reason`. */
    empty: z.boolean(),
    no_change_reason: z.string().nullable(),
    /** Failures the worker CLI reported about the implementer's own actions ("attempt 1: file change failed: …"). */
    action_failures: z.array(z.string()),
  })),
  last_worker_log: z.string().nullable(),
  wip_ref: z.string().nullable(),
  /** Whether the last session ran workers confined, and why; null for runs from before the sandbox. */
  sandbox: SandboxDecisionSchema.nullable(),
});
export type ReportOutput = z.infer<typeof ReportOutputSchema>;

export const DoctorCheckSchema = z.object({
  /** What was checked, e.g. "node", "config", "implementer worker (codex): installed". */
  name: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  detail: z.string(),
  /** What to do about a warn or fail. */
  fix: z.string().optional(),
});
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;

export const DoctorOutputSchema = z.object({
  /** False when any check failed (exit code 1). */
  ok: z.boolean(),
  checks: z.array(DoctorCheckSchema),
});
export type DoctorOutput = z.infer<typeof DoctorOutputSchema>;

const watchBase = { run_id: z.string() };

/** `runr watch --json`: one NDJSON line per event (SPEC §3). */
export const WatchEventSchema = z.discriminatedUnion('event', [
  z.object({ ...watchBase, event: z.literal('watching'), phase: z.enum(PHASES), elapsed_s: z.number(), milestones_completed: z.number().int() }),
  z.object({
    ...watchBase, event: z.literal('failed'), phase: z.enum(PHASES),
    /** Null when the run is not stopped but nobody executes it (`stale: true`). */
    stop_reason: StopReason.nullable(),
    stale: z.literal(true).optional(),
    attempt: z.number().int(),
    /** When the next auto-resume happens (after the cooldown; for quota_wait not before retry_at). */
    resume_at: z.string().optional(),
  }),
  z.object({ ...watchBase, event: z.literal('resumed'), attempt: z.number().int() }),
  z.object({ ...watchBase, event: z.literal('succeeded'), milestones_completed: z.number().int(), elapsed_s: z.number() }),
  z.object({ ...watchBase, event: z.literal('gave_up'), stop_reason: StopReason.nullable(), attempt: z.number().int(), suggested_command: z.string() }),
  z.object({
    ...watchBase, event: z.literal('stopped'), stop_reason: StopReason.nullable(), milestones_completed: z.number().int(),
    next_action: z.enum(NEXT_ACTIONS), suggested_command: z.string(),
  }),
]);
export type WatchEvent = z.infer<typeof WatchEventSchema>;

/** `runr gc --json`: what was (or, with --dry-run, would be) removed, and what was kept and why. */
export const GcOutputSchema = z.object({
  dry_run: z.boolean(),
  removed: z.array(z.object({
    run_id: z.string(),
    worktree_removed: z.boolean(),
    branch_deleted: z.boolean(),
    /** The run branch is kept when it has checkpoints no other branch or tag holds. */
    branch_kept: z.string().nullable(),
  })),
  kept: z.array(z.object({ run_id: z.string(), reason: z.string() })),
});
export type GcOutput = z.infer<typeof GcOutputSchema>;

/** `runr report <id> --html --json` and `runr orchestrate report <id> --html --json`: the HTML file written. */
export const HtmlReportOutputSchema = z.object({ html: z.string() });
export type HtmlReportOutput = z.infer<typeof HtmlReportOutputSchema>;
