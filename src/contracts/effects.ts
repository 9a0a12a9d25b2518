import { z } from 'zod';
import { WORKER_PHASES } from './phases.js';
import { VIOLATION_RULES } from './violations.js';

/** Effects are values: the machine asks for them, the supervisor performs them (ARCHITECTURE). */
export const EffectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('prepare_workspace'), id: z.string() }),
  z.object({
    kind: z.literal('worker'),
    id: z.string(),
    phase: z.enum(WORKER_PHASES),
    milestone_index: z.number().int(),
    attempt: z.number().int(),
    /** 0 for the first request; 1..2 for completion-enforcement follow-ups. */
    followup: z.number().int(),
    followup_reason: z.string().nullish(),
    /** The same failure came twice in a row: this attempt changes strategy (fresh session, failure history, narrower step). */
    change_strategy: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('guard'), id: z.string(), after: z.enum(['IMPLEMENT', 'VERIFY']), milestone_index: z.number().int() }),
  z.object({ kind: z.literal('verify'), id: z.string(), milestone_index: z.number().int(), attempt: z.number().int() }),
  z.object({ kind: z.literal('checkpoint'), id: z.string(), milestone_index: z.number().int() }),
  z.object({ kind: z.literal('wait_until'), id: z.string(), until: z.string(), reason: z.literal('quota_wait') }),
  z.object({ kind: z.literal('finalize'), id: z.string() }),
]);
export type Effect = z.infer<typeof EffectSchema>;
export type EffectKind = Effect['kind'];
export type EffectOf<K extends EffectKind> = Extract<Effect, { kind: K }>;
/** An effect as the machine describes it, before it is given an id. */
export type EffectRequest = Effect extends infer E ? (E extends Effect ? Omit<E, 'id'> : never) : never;

export const VerifyCommandResultSchema = z.object({
  tier: z.string(),
  command: z.string(),
  exit_code: z.number().int().nullable(),
  duration_ms: z.number(),
  timed_out: z.boolean(),
});

export const VerificationFailureSchema = z.object({
  tier: z.string(),
  command: z.string(),
  exit_code: z.number().int().nullable(),
  timed_out: z.boolean(),
  excerpt: z.string(),
  log_path: z.string(),
  /** The program the shell could not find (exit 127, and not on PATH): a configuration problem, not a failed check. */
  missing_program: z.string().optional(),
});
export type VerificationFailure = z.infer<typeof VerificationFailureSchema>;

/** One worker call's usage. `cost_usd` is null when neither the CLI nor a configured price gives it. */
const UsageNumbers = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cost_usd: z.number().nullish(),
});

export const WORKER_OUTCOMES = [
  'result', 'no_result', 'crashed', 'stalled', 'timed_out', 'time_budget', 'missing',
  /** Quota pressure (HTTP 429/529, usage limits): the run waits, it has not failed. */
  'rate_limited',
  /** The CLI's credentials were refused or are missing. */
  'auth_failed',
] as const;

/** What a worker call (or the verification of its work) changed that only runr may change (SPEC §11). */
const TamperedSchema = z.array(z.string()).nullish();

/**
 * What performing an effect produced. Journaled verbatim; the machine is the only reader.
 * (A plain union: some kinds have an ok and a failed shape, which a discriminated union cannot hold.)
 */
export const EffectResultSchema = z.union([
  z.object({ kind: z.literal('prepare_workspace'), ok: z.literal(true), head_sha: z.string() }),
  z.object({
    kind: z.literal('prepare_workspace'), ok: z.literal(false),
    stop: z.enum(['branch_mismatch', 'config_invalid']), detail: z.string(),
  }),
  z.object({
    kind: z.literal('worker'),
    outcome: z.enum(WORKER_OUTCOMES),
    /** The last JSON object the worker printed, unvalidated: the phase decides what it means. */
    result: z.unknown().optional(),
    exit_code: z.number().int().nullish(),
    detail: z.string().nullish(),
    output_tail: z.string().nullish(),
    log_path: z.string().nullish(),
    usage: UsageNumbers.nullish(),
    duration_ms: z.number().optional(),
    /** The CLI's own session, which a follow-up request in the same phase may continue. */
    session_id: z.string().nullish(),
    /** For CLIs that count usage over a whole session (Codex): the session's totals after this call. */
    session_usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), cached_input_tokens: z.number().optional() }).nullish(),
    /** Whether this call continued an earlier session or started a fresh one. */
    session: z.enum(['fresh', 'continued']).nullish(),
    /** rate_limited: when the quota resets, as the worker reported it (ISO time), or seconds to wait. */
    retry_at: z.string().nullish(),
    retry_after_s: z.number().nonnegative().nullish(),
    /** auth_failed (and other stops needing the user): the exact thing to do, e.g. which env var to set. */
    fix: z.string().nullish(),
    tampered: TamperedSchema,
    /** Failures the CLI reported about the agent's own actions (failed file changes and commands, refused tools), one line each. */
    action_failures: z.array(z.string()).nullish(),
  }),
  z.object({
    kind: z.literal('guard'),
    ok: z.boolean(),
    violations: z.array(z.object({
      path: z.string(),
      rule: z.enum(VIOLATION_RULES),
      /** rule `secret`: the line that adds it and what kind of secret it looks like (never the secret). */
      line: z.number().int().optional(),
      shape: z.string().optional(),
    })),
    changed: z.number().int(),
    /** After VERIFY: the tree of the files' bytes that passed; the reviewer sees it and the checkpoint commits it. */
    tree: z.string().nullish(),
    /** After IMPLEMENT: the milestone changes no file since the last checkpoint (absent in older journals). */
    empty: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('verify'),
    ok: z.boolean(),
    commands: z.array(VerifyCommandResultSchema),
    duration_ms: z.number(),
    failure: VerificationFailureSchema.nullish(),
    time_budget: z.boolean().optional(),
    tampered: TamperedSchema,
  }),
  z.object({
    kind: z.literal('checkpoint'), ok: z.literal(true), sha: z.string(), reused: z.boolean(),
    /** Nothing to commit (the milestone changed no file): no commit was made, `sha` is the last checkpoint's. */
    empty: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('checkpoint'), ok: z.literal(false), stop: z.enum(['branch_mismatch', 'worker_tampered']), detail: z.string() }),
  z.object({ kind: z.literal('wait_until') }),
  z.object({ kind: z.literal('finalize'), wip_ref: z.string().nullish() }),
]);
export type EffectResult = z.infer<typeof EffectResultSchema>;
export type ResultOf<K extends EffectKind> = Extract<EffectResult, { kind: K }>;
