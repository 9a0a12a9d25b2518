import { z } from 'zod';

/** Result schemas every worker type must end its answer with (SPEC §7). `null` is accepted for optional fields. */
export const UsageSchema = z.object({
  input_tokens: z.number().nonnegative().nullish(),
  output_tokens: z.number().nonnegative().nullish(),
  cost_usd: z.number().nonnegative().nullish(),
});
export type Usage = z.infer<typeof UsageSchema>;

const withUsage = { usage: UsageSchema.nullish() };

export const MilestoneSpecSchema = z.object({
  goal: z.string().trim().min(1),
  files_expected: z.array(z.string()).nullish(),
  done_checks: z.array(z.string()).nullish(),
});

export const PlanResultSchema = z.object({
  milestones: z.array(MilestoneSpecSchema).min(1, 'the plan has no milestones'),
  ...withUsage,
});

export const ImplementResultSchema = z.object({
  status: z.enum(['ok', 'blocked', 'failed']),
  summary: z.string().nullish(),
  blocked_reason: z.string().nullish(),
  /** Why the milestone needs no change: only with it is an attempt that changed no file accepted. */
  no_change_reason: z.string().nullish(),
  ...withUsage,
});

export const ReviewResultSchema = z.object({
  verdict: z.enum(['approve', 'request_changes']),
  comments: z.array(z.string()).nullish(),
  ...withUsage,
});

export const RateLimitedResultSchema = z.object({
  status: z.literal('rate_limited'),
  retry_after_s: z.number().nonnegative().nullish(),
  ...withUsage,
});
