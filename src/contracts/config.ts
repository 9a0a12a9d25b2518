import { z } from 'zod';
import type { WorkerPhase } from './phases.js';
import { globSchema } from './glob.js';
import { MAX_GRACE_S, MAX_TIME_BUDGET_MIN, MAX_TIMEOUT_S } from './limits.js';
import { SandboxModeSchema, SandboxWritableSchema } from './sandbox.js';

const stringList = z.array(z.string().min(1));
const globList = z.array(globSchema);

export { MAX_GRACE_S, MAX_TIME_BUDGET_MIN, MAX_TIMEOUT_S };

const seconds = (max: number, label: string) => z.number().positive().max(max, `must be at most ${max} seconds (${label})`);

const workerBase = {
  bin: z.string().min(1).optional(),
  args: stringList.optional(),
  env: z.record(z.string(), z.string()).optional(),
  model: z.string().min(1).optional(),
  /** This worker's own sandbox mode (overrides the top-level `sandbox`; `runr run --sandbox` overrides both). */
  sandbox: SandboxModeSchema.optional(),
  /** Extra paths this worker may write when confined (beyond the top-level `sandbox_writable`). */
  sandbox_writable: SandboxWritableSchema.optional(),
};

export const CommandWorkerSchema = z.object({
  type: z.literal('command'),
  command: stringList.min(1, 'command needs at least the program to run'),
  ...workerBase,
}).strict();

/** Prices per million tokens, for CLIs that report tokens but no cost (Codex, Gemini). */
export const PriceSchema = z.object({
  input_per_mtok: z.number().nonnegative(),
  output_per_mtok: z.number().nonnegative(),
  /** Cached input tokens, when the CLI reports them apart (defaults to the input price). */
  cached_input_per_mtok: z.number().nonnegative().optional(),
}).strict();
export type Price = z.infer<typeof PriceSchema>;

export const CLI_WORKER_TYPES = ['claude', 'codex', 'gemini'] as const;
export type CliWorkerType = (typeof CLI_WORKER_TYPES)[number];

export const CliWorkerSchema = z.object({
  type: z.enum(CLI_WORKER_TYPES),
  ...workerBase,
  price: PriceSchema.optional(),
  /**
   * Let the CLI act without any permission checks or sandbox (claude --dangerously-skip-permissions,
   * codex --dangerously-bypass-approvals-and-sandbox). Off unless set: the default modes already run unattended.
   */
  skip_permissions: z.boolean().optional(),
}).strict();
export type CliWorkerConfig = z.infer<typeof CliWorkerSchema>;

export const WorkerConfigSchema = z.discriminatedUnion('type', [CommandWorkerSchema, CliWorkerSchema]);
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;

export const LimitsSchema = z.object({
  max_verify_retries: z.number().int().min(0).default(3),
  max_review_rounds: z.number().int().min(1).default(3),
  stall_timeout_s: seconds(MAX_TIMEOUT_S, '1 day').default(600),
  worker_timeout_s: seconds(MAX_TIMEOUT_S, '1 day').default(1800),
  verify_timeout_s: seconds(MAX_TIMEOUT_S, '1 day').default(900),
  time_budget_min: z.number().positive().max(MAX_TIME_BUDGET_MIN, `must be at most ${MAX_TIME_BUDGET_MIN} minutes (7 days)`).default(120),
  /** Seconds a worker may linger after printing its final result before it is killed. */
  result_grace_s: seconds(MAX_GRACE_S, '1 hour').default(10),
  /** How often the executor refreshes its lease, and how old a heartbeat may get before others may take the run over (defaults 5 and 30). */
  lease_heartbeat_s: seconds(MAX_GRACE_S, '1 hour').optional(),
  lease_expiry_s: seconds(MAX_TIMEOUT_S, '1 day').optional(),
}).strict().refine((l) => (l.lease_heartbeat_s ?? 5) < (l.lease_expiry_s ?? 30), {
  message: 'lease_heartbeat_s must be shorter than lease_expiry_s', path: ['lease_heartbeat_s'],
});

/** Points where a run waits for a person: after the plan, before each checkpoint commit. */
export const APPROVAL_GATES = ['plan', 'checkpoint'] as const;
export type ApprovalGate = (typeof APPROVAL_GATES)[number];

export const ConfigSchema = z.object({
  $schema: z.string().optional(),
  agent: z.object({ name: z.string(), version: z.string().optional() }).passthrough().optional(),
  scope: z.object({
    allowlist: globList.default([]),
    denylist: globList.default([]),
    presets: stringList.default([]),
    protect: globList.default([]),
    /** Files that may add secret-shaped strings (test fixtures); elsewhere one stops the run (docs/security.md). */
    secrets_allow: globList.default([]),
  }).strict().default({ allowlist: [], denylist: [], presets: [], protect: [], secrets_allow: [] }),
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
  /** Stop with awaiting_approval at these points until `runr approve` (or `runr reject`). */
  approvals: z.array(z.enum(APPROVAL_GATES)).default([]),
  /** Confine workers and verification with bubblewrap: auto (default), required or off (docs/config.md#sandbox). */
  sandbox: SandboxModeSchema.optional(),
  /** Extra paths every confined worker and verification command may write. */
  sandbox_writable: SandboxWritableSchema.optional(),
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

export const ROLE_OF_PHASE = { PLAN: 'planner', IMPLEMENT: 'implementer', REVIEW: 'reviewer' } as const satisfies Record<WorkerPhase, WorkerRole>;

/** The worker a phase uses: the configured one, else the default for its role. */
export function workerFor(config: Config, phase: WorkerPhase): WorkerConfig {
  const role = ROLE_OF_PHASE[phase];
  return config.workers[role] ?? DEFAULT_WORKERS[role];
}
