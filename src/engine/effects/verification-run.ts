import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import { runVerification } from '../../verify/run-tiers.js';
import { processTag } from '../../util/process-tree.js';
import { logPathFor } from './context.js';
import type { PerformContext } from '../ports/ports.js';
import { verifyConfinement } from './sandbox.js';

/** The real VerificationPort: the configured tiers, run in the run's working tree. */
export async function runVerificationTiers(effect: EffectOf<'verify'>, ctx: PerformContext): Promise<ResultOf<'verify'>> {
  const { state } = ctx;
  return runVerification(state.config.verification, {
    workDir: state.work_dir,
    logPath: logPathFor(state, effect, `verify-m${effect.milestone_index + 1}-a${effect.attempt}`),
    timeoutMs: state.config.limits.verify_timeout_s * 1000,
    deadlineMs: ctx.deadlineMs,
    env: { ...process.env, RUNR_RUN_ID: state.run_id, RUNR_RUN_DIR: state.run_dir },
    tag: processTag(state.run_dir),
    onSpawn: ctx.onSpawn,
    signal: ctx.signal,
    ...verifyConfinement(state),
  });
}
