import { z } from 'zod';
import { NEXT_ACTIONS, STOP_REASON_NAMES } from './stop-reasons.js';
import { COLLISION_POLICIES, IntegrationStateSchema, OrchTaskStateSchema, TASK_STATUSES } from './orchestration.js';
import { UsageTotalsSchema } from './state.js';

/** The JSON `runr orchestrate …` prints (docs/schemas/orchestrate-*.schema.json). */

export const OrchStartOutputSchema = z.object({
  orchestration_id: z.string(),
  orch_dir: z.string(),
  /**
   * `active`: an orchestration of the same tracks file is under way, and this is it (nothing new was started);
   * `resumed`: the first line of `orchestrate resume --json`.
   */
  status: z.enum(['started', 'active', 'resumed']),
});

const Counts = z.object(Object.fromEntries(TASK_STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof TASK_STATUSES)[number], z.ZodNumber>);

export const OrchTaskOutputSchema = OrchTaskStateSchema.omit({ waits: true });

export const OrchStatusOutputSchema = z.object({
  orchestration_id: z.string(),
  orch_dir: z.string(),
  tracks_file: z.string(),
  status: z.enum(['running', 'complete', 'stopped']),
  stop_reason: z.enum(STOP_REASON_NAMES).nullable(),
  stop_detail: z.string().nullable(),
  started_at: z.string(),
  updated_at: z.string(),
  ended_at: z.string().nullable(),
  base_sha: z.string(),
  max_parallel: z.number().int(),
  collision_policy: z.enum(COLLISION_POLICIES),
  counts: Counts,
  tasks: z.array(OrchTaskOutputSchema),
  integration: IntegrationStateSchema,
  lease: z.object({ pid: z.number().int(), alive: z.boolean() }).optional(),
  stale: z.literal(true).optional(),
  next_action: z.enum(NEXT_ACTIONS),
  suggested_command: z.string(),
});
export type OrchStatusOutput = z.infer<typeof OrchStatusOutputSchema>;

export const OrchStatusAllOutputSchema = z.object({ orchestrations: z.array(OrchStatusOutputSchema) });

export const OrchWaitOutputSchema = z.object({
  orchestration_id: z.string(),
  status: z.enum(['running', 'complete', 'stopped']),
  stop_reason: z.enum(STOP_REASON_NAMES).nullable(),
  tasks: z.object({ complete: z.number().int(), total: z.number().int() }),
  integration_branch: z.string(),
  timed_out: z.literal(true).optional(),
  stale: z.literal(true).optional(),
});
export type OrchWaitOutput = z.infer<typeof OrchWaitOutputSchema>;

export const OrchReportTaskSchema = OrchTaskStateSchema.extend({
  duration_ms: z.number().int().nullable(),
  checkpoints: z.array(z.object({ milestone: z.string(), goal: z.string(), sha: z.string() })),
  milestones: z.object({ completed: z.number().int(), total: z.number().int() }),
  usage: UsageTotalsSchema.nullable(),
});

export const OrchReportOutputSchema = OrchStatusOutputSchema.omit({ tasks: true }).extend({
  version: z.literal(1),
  total_duration_ms: z.number().int(),
  usage: UsageTotalsSchema,
  tasks: z.array(OrchReportTaskSchema),
});
export type OrchReportOutput = z.infer<typeof OrchReportOutputSchema>;
