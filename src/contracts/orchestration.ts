import { z } from 'zod';
import { DEPENDENCY_WHEN } from './tracks.js';
import { CLI_WORKER_TYPES } from './config.js';
import { STOP_REASON_NAMES } from './stop-reasons.js';

/** What happens to the later of two tasks that may change the same files: it waits, or stops (`parallel_file_collision`). */
export const COLLISION_POLICIES = ['serialize', 'fail'] as const;
export type CollisionPolicy = (typeof COLLISION_POLICIES)[number];

/** Where a task of an orchestration stands (SPEC §9). */
export const TASK_STATUSES = ['pending', 'running', 'waiting', 'complete', 'stopped', 'skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Why a task waits: before it starts (dependency, capacity), at its collision gate, or inside its run (quota, approval). */
export const WAIT_REASONS = ['dependency', 'collision', 'capacity', 'quota', 'approval'] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

export const INTEGRATION_STATUSES = ['pending', 'merging', 'fixing', 'verifying', 'verified', 'conflict', 'failed', 'skipped'] as const;

const StopReason = z.enum(STOP_REASON_NAMES);

export const PlannedTaskSchema = z.object({
  key: z.string(),
  track: z.string(),
  id: z.string(),
  file: z.string(),
  title: z.string(),
  depends_on: z.array(z.object({ on: z.string(), when: z.enum(DEPENDENCY_WHEN) })),
  previous: z.string().nullable(),
  fast: z.boolean().nullable(),
  worker: z.enum(CLI_WORKER_TYPES).nullable(),
  allowlist_add: z.array(z.string()),
  verification: z.object({
    tier0: z.array(z.string()).optional(),
    tier1: z.array(z.string()).optional(),
    tier2: z.array(z.string()).optional(),
  }).nullable(),
});

export const OrchOptionsSchema = z.object({
  max_parallel: z.number().int().positive(),
  collision_policy: z.enum(COLLISION_POLICIES),
  fast: z.boolean(),
  fix_conflicts: z.boolean(),
  /** Resumable stops of one task's run that are resumed without a person (the watch policy's bound). */
  max_auto_resumes: z.number().int().nonnegative(),
});
export type OrchOptions = z.infer<typeof OrchOptionsSchema>;

const base = { seq: z.number().int(), ts: z.string() };
const key = z.string();

/** One line of an orchestration's events.ndjson; its state is the fold of these (orchestrate/orch-state.ts). */
export const OrchEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base, type: z.literal('orch_started'),
    orch_id: z.string(), repo_root: z.string(), tracks_file: z.string(), tracks_sha256: z.string(), config_path: z.string(),
    base_sha: z.string(), options: OrchOptionsSchema,
    tracks: z.array(z.object({ id: z.string(), tasks: z.array(z.string()) })),
    tasks: z.array(PlannedTaskSchema),
  }),
  z.object({ ...base, type: z.literal('orch_resumed'), pid: z.number().int() }),
  z.object({ ...base, type: z.literal('task_waiting'), key, reason: z.enum(WAIT_REASONS), detail: z.string(), retry_at: z.string().optional() }),
  /** The wait ended without a stop (the run went on). */
  z.object({ ...base, type: z.literal('task_going'), key }),
  z.object({ ...base, type: z.literal('task_run_started'), key, run_id: z.string(), base_ref: z.string() }),
  z.object({ ...base, type: z.literal('task_run_resumed'), key, run_id: z.string(), auto: z.boolean(), after: StopReason.nullable() }),
  z.object({
    ...base, type: z.literal('task_ended'), key, run_id: z.string().nullable(), outcome: z.enum(['complete', 'stopped']),
    stop_reason: StopReason, stop_detail: z.string().nullable(), checkpoint_sha: z.string().nullable(), next_command: z.string().nullable(),
  }),
  z.object({ ...base, type: z.literal('task_skipped'), key, because: z.string() }),
  /**
   * `orchestrate resume` goes on with a task that stopped or was skipped: its run is resumed, or with `fresh`
   * (a stop no resume continues, a skip) the task starts again with a new run.
   */
  z.object({ ...base, type: z.literal('task_reopened'), key, fresh: z.boolean() }),
  z.object({ ...base, type: z.literal('integration_started'), branch: z.string() }),
  z.object({ ...base, type: z.literal('integration_merged'), key, run_id: z.string(), sha: z.string() }),
  z.object({ ...base, type: z.literal('integration_conflict'), key, run_id: z.string(), files: z.array(z.string()), conflict_base: z.string() }),
  z.object({ ...base, type: z.literal('integration_fix_started'), key, run_id: z.string() }),
  z.object({ ...base, type: z.literal('integration_verifying'), sha: z.string() }),
  z.object({
    ...base, type: z.literal('integration_verified'), ok: z.boolean(), sha: z.string(),
    failed_command: z.string().optional(), excerpt: z.string().optional(),
  }),
  z.object({ ...base, type: z.literal('orch_stopped'), outcome: z.enum(['complete', 'stopped']), stop_reason: StopReason, stop_detail: z.string().nullable() }),
]);
export type OrchEvent = z.infer<typeof OrchEventSchema>;
export type OrchEventInput = OrchEvent extends infer E ? (E extends OrchEvent ? Omit<E, 'seq'> : never) : never;

export const TaskWaitSchema = z.object({ reason: z.enum(WAIT_REASONS), detail: z.string(), since: z.string(), retry_at: z.string().optional() });

export const OrchTaskStateSchema = z.object({
  key: z.string(),
  track: z.string(),
  task: z.string(),
  title: z.string(),
  file: z.string(),
  status: z.enum(TASK_STATUSES),
  waiting: TaskWaitSchema.optional(),
  /** The task's current (last) run, and every run it had (a resumed run keeps its id). */
  run_id: z.string().nullable(),
  runs: z.array(z.string()),
  base_ref: z.string().nullable(),
  branch: z.string().nullable(),
  checkpoint_sha: z.string().nullable(),
  stop_reason: StopReason.nullable(),
  stop_detail: z.string().nullable(),
  skipped_because: z.string().nullable(),
  auto_resumes: z.number().int(),
  next_command: z.string().nullable(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  /** Every wait the task went through, for the report. */
  waits: z.array(z.object({ reason: z.enum(WAIT_REASONS), detail: z.string(), since: z.string(), until: z.string().nullable() })),
});
export type OrchTaskState = z.infer<typeof OrchTaskStateSchema>;

const ConflictSchema = z.object({ key: z.string(), run_id: z.string(), files: z.array(z.string()), conflict_base: z.string(), fix_run_id: z.string().nullable() });

export const IntegrationStateSchema = z.object({
  branch: z.string(),
  status: z.enum(INTEGRATION_STATUSES),
  sha: z.string().nullable(),
  merged: z.array(z.string()),
  /** The conflict being dealt with now (null once merged). */
  conflict: ConflictSchema.nullable(),
  /** Every conflict the integration met, and whether it was resolved (by its fix run, or by hand). */
  conflicts: z.array(ConflictSchema.extend({ resolved: z.boolean() })),
  verification: z.object({ ok: z.boolean(), sha: z.string(), failed_command: z.string().optional(), excerpt: z.string().optional() }).nullable(),
});
export type IntegrationState = z.infer<typeof IntegrationStateSchema>;

export const OrchStateSchema = z.object({
  orch_id: z.string(),
  repo_root: z.string(),
  tracks_file: z.string(),
  tracks_sha256: z.string(),
  config_path: z.string(),
  base_sha: z.string(),
  options: OrchOptionsSchema,
  tracks: z.array(z.object({ id: z.string(), tasks: z.array(z.string()) })),
  planned: z.array(PlannedTaskSchema),
  tasks: z.array(OrchTaskStateSchema),
  integration: IntegrationStateSchema,
  status: z.enum(['running', 'complete', 'stopped']),
  stop_reason: StopReason.nullable(),
  stop_detail: z.string().nullable(),
  started_at: z.string(),
  updated_at: z.string(),
  ended_at: z.string().nullable(),
  seq: z.number().int(),
});
export type OrchState = z.infer<typeof OrchStateSchema>;
