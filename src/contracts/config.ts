import { z } from 'zod';

const stringList = z.array(z.string().min(1));

const workerBase = {
  bin: z.string().min(1).optional(),
  args: stringList.optional(),
  env: z.record(z.string(), z.string()).optional(),
  model: z.string().min(1).optional(),
};

export const CommandWorkerSchema = z.object({
  type: z.literal('command'),
  command: stringList.min(1, 'command needs at least the program to run'),
  ...workerBase,
}).strict();

export const CliWorkerSchema = z.object({
  type: z.enum(['claude', 'codex', 'gemini']),
  ...workerBase,
}).strict();

export const WorkerConfigSchema = z.discriminatedUnion('type', [CommandWorkerSchema, CliWorkerSchema]);
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;

export const LimitsSchema = z.object({
  max_verify_retries: z.number().int().min(0).default(3),
  max_review_rounds: z.number().int().min(1).default(3),
  stall_timeout_s: z.number().positive().default(600),
  worker_timeout_s: z.number().positive().default(1800),
  verify_timeout_s: z.number().positive().default(900),
  time_budget_min: z.number().positive().default(120),
  /** Seconds a worker may linger after printing its final result before it is killed. */
  result_grace_s: z.number().positive().default(10),
}).strict();

export const ConfigSchema = z.object({
  $schema: z.string().optional(),
  agent: z.object({ name: z.string(), version: z.string().optional() }).passthrough().optional(),
  scope: z.object({
    allowlist: stringList.default([]),
    denylist: stringList.default([]),
    presets: stringList.default([]),
    protect: stringList.default([]),
  }).strict().default({ allowlist: [], denylist: [], presets: [], protect: [] }),
  verification: z.object({
    tier0: stringList.default([]),
    tier1: stringList.default([]),
    tier2: stringList.default([]),
  }).strict().default({ tier0: [], tier1: [], tier2: [] }),
  workers: z.object({
    planner: WorkerConfigSchema.optional(),
    implementer: WorkerConfigSchema.optional(),
    reviewer: WorkerConfigSchema.optional(),
  }).strict().default({}),
  limits: LimitsSchema.default(LimitsSchema.parse({})),
}).strict();

export type Config = z.infer<typeof ConfigSchema>;
export type Limits = z.infer<typeof LimitsSchema>;
export const WORKER_ROLES = ['planner', 'implementer', 'reviewer'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

/** What a role uses when the config names no worker for it (SPEC §7's example). */
export const DEFAULT_WORKERS: Record<WorkerRole, WorkerConfig> = {
  planner: { type: 'claude' },
  implementer: { type: 'codex' },
  reviewer: { type: 'claude' },
};
