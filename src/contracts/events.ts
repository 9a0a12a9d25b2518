import { z } from 'zod';
import { EffectResultSchema, EffectSchema } from './effects.js';
import { ConfigSchema } from './config.js';
import { SandboxDecisionSchema } from './sandbox.js';
import { RunInitSchema } from './state.js';
import { EXECUTOR_STOPS, ORCHESTRATOR_STOPS } from './stop-reasons.js';

const base = { seq: z.number().int(), ts: z.string() };

/** One line of events.ndjson. The state is the fold of these events through machine.step. */
export const RunEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base, type: z.literal('run_started'), run: RunInitSchema,
    /** The journal's format (store/journal-format.ts); absent in journals written before formats (format 1). */
    format: z.number().int().positive().optional(),
    /** The session's sandbox decision (absent in journals written before runr had a sandbox). */
    sandbox: SandboxDecisionSchema.optional(),
  }),
  z.object({ ...base, type: z.literal('effect_started'), effect: EffectSchema }),
  /**
   * What a worker did while its call ran (tool calls, messages, tokens so far; a command worker's stderr
   * lines), for progress and replay: batched, bounded, redacted. The machine ignores it.
   */
  z.object({
    ...base, type: z.literal('worker_activity'), effect_id: z.string(),
    items: z.array(z.object({
      /** Milliseconds since the call started. */
      at_ms: z.number().int().nonnegative(),
      kind: z.enum(['tool', 'message', 'usage', 'log']),
      text: z.string(),
    })),
  }),
  z.object({ ...base, type: z.literal('effect_result'), effect_id: z.string(), result: EffectResultSchema }),
  z.object({
    ...base,
    type: z.literal('run_resumed'),
    pid: z.number().int(),
    force: z.boolean(),
    overrides: z.object({
      time_budget_min: z.number().positive().optional(),
      max_ticks: z.number().int().positive().optional(),
      budget_usd: z.number().nonnegative().optional(),
    }),
    /** `runr approve` / `runr reject` of a run that awaits approval. */
    approval: z.object({ verdict: z.enum(['approve', 'reject']), reason: z.string().optional() }).optional(),
    /** With --force the config is read again from disk. */
    config: ConfigSchema.optional(),
    /** The sandbox decision of this session, probed again. */
    sandbox: SandboxDecisionSchema.optional(),
  }),
  /**
   * The executor stopped the run from outside its phases (Ctrl-C or SIGTERM; a disk that filled up). The
   * effect in flight, if any, is performed again on resume; its result, if it came, was not journaled. An
   * orchestrator stops a task's run this way too (ORCHESTRATOR_STOPS).
   */
  z.object({ ...base, type: z.literal('run_stopped'), reason: z.enum([...EXECUTOR_STOPS, ...ORCHESTRATOR_STOPS]), detail: z.string() }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'seq'> : never) : never;
