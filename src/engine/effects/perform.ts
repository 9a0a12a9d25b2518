import type { Effect, EffectKind, EffectOf, EffectResult, ResultOf } from '../../contracts/effects.js';
import { clearChildren } from './children.js';
import { lookAtCheckoutAfter } from './sandbox.js';
import type { PerformContext } from '../ports/ports.js';

type Performer<K extends EffectKind> = (effect: EffectOf<K>, ctx: PerformContext) => Promise<ResultOf<K>>;

/** One performer per effect kind, each through the run's ports: a kind without one does not compile. */
const PERFORMERS: { [K in EffectKind]: Performer<K> } = {
  prepare_workspace: (_effect, ctx) => ctx.ports.git.prepareWorkspace(ctx.state),
  worker: (effect, ctx) => watched(ctx, lookAtCheckoutAfter(ctx.state, effect.phase), () => ctx.ports.workers.call(effect, ctx)),
  guard: (effect, ctx) => ctx.ports.guard.check(effect, ctx),
  verify: (effect, ctx) => watched(ctx, lookAtCheckoutAfter(ctx.state, 'VERIFY'), () => ctx.ports.verification.run(effect, ctx)),
  checkpoint: (effect, ctx) => ctx.ports.git.checkpoint(effect, ctx),
  wait_until: async (effect, ctx) => {
    const { clock } = ctx.ports;
    await clock.sleep(Math.min(Date.parse(effect.until), ctx.deadlineMs) - clock.now(), ctx.signal);
    return { kind: 'wait_until' };
  },
  finalize: (_effect, ctx) => ctx.ports.git.finalizeWorkspace(ctx.state),
};

/** Performs one effect against the world (through the ports) and describes what happened. */
export async function perform(effect: Effect, ctx: PerformContext): Promise<EffectResult> {
  try {
    return await (PERFORMERS[effect.kind] as Performer<EffectKind>)(effect, ctx);
  } finally {
    clearChildren(ctx.state.run_dir);
  }
}

/**
 * Runs a worker call or verification (which runs the worker's code) between two integrity snapshots;
 * anything it changed that only runr may change is reported with the result (SPEC §11).
 */
async function watched<R extends ResultOf<'worker'> | ResultOf<'verify'>>(ctx: PerformContext, checkout: boolean, fn: () => Promise<R>): Promise<R> {
  const changed = await ctx.ports.git.watchIntegrity(ctx.state, ctx.journalAsLeft, { checkout });
  const result = await fn();
  const found = await changed();
  return found.length ? { ...result, tampered: found } : result;
}
