import { z } from 'zod';

/**
 * Confining workers with bubblewrap (SPEC §11): `auto` confines them where bubblewrap works and
 * runs them unconfined (saying so) where it does not; `required` refuses to run unconfined; `off`
 * never confines them.
 */
export const SANDBOX_MODES = ['auto', 'required', 'off'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];
export const SandboxModeSchema = z.enum(SANDBOX_MODES);

/** Paths a confined process may write besides the worktree and its private /tmp (`~` is the home directory). */
export const SandboxWritableSchema = z.array(z.string().min(1));

/** What a session (start or resume) decided about the sandbox; journaled, shown by status and report. */
export const SandboxDecisionSchema = z.object({
  /** The run's mode: `--sandbox`, else the config's `sandbox`, else auto. */
  mode: SandboxModeSchema,
  /** Verification commands run confined in this session (and every worker whose own mode is not off). */
  active: z.boolean(),
  /** Why, in one line (what was found, or what turned it off). */
  reason: z.string(),
  /** The bubblewrap binary confined processes run under; null where it is missing or does not work. */
  bwrap: z.string().nullable(),
  /** Per role (planner, implementer, reviewer): whether its worker runs confined in this session. */
  workers: z.record(z.string(), z.boolean()),
});
export type SandboxDecision = z.infer<typeof SandboxDecisionSchema>;
