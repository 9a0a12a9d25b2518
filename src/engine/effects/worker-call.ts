import type { EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { ROLE_OF_PHASE, workerFor } from '../../contracts/config.js';
import { ImplementResultSchema, PlanResultSchema, RateLimitedResultSchema, ReviewResultSchema } from '../../contracts/worker-results.js';
import { workerWithSecrets } from '../../config/stored-config.js';
import { buildPrompt } from '../prompts/build.js';
import { TaskError } from '../../task/parse.js';
import { runTaskBody } from '../../task/run-task.js';
import { RunrError } from '../../contracts/errors.js';
import { EXIT } from '../../contracts/exit-codes.js';
import { createWorker, WorkerUnavailableError } from '../../workers/index.js';
import { sessionToContinue } from '../worker-sessions.js';
import { logPathFor } from './context.js';
import type { PerformContext } from '../ports/ports.js';
import { reviewedPatch } from './reviewed-patch.js';
import { workerConfinement } from './sandbox.js';

const SCHEMA_OF = { PLAN: PlanResultSchema, IMPLEMENT: ImplementResultSchema, REVIEW: ReviewResultSchema } as const;

/** The real WorkerPort: builds the prompt, runs the configured worker CLI and reads its answer. */
export async function callWorker(effect: EffectOf<'worker'>, ctx: PerformContext): Promise<ResultOf<'worker'>> {
  const { state } = ctx;
  const role = ROLE_OF_PHASE[effect.phase];
  const config = workerWithSecrets(workerFor(state.config, effect.phase), role, state.config_path);
  let adapter;
  try {
    adapter = createWorker(config);
  } catch (err) {
    if (err instanceof WorkerUnavailableError) return { kind: 'worker', outcome: 'missing', detail: `${role}: ${err.message}` };
    throw err;
  }
  // The reviewer reads exactly the tree that passed verification, which is the one a checkpoint commits.
  const diff = effect.phase === 'REVIEW' ? await reviewedPatch(state) : undefined;
  const limits = state.config.limits;
  const schema = SCHEMA_OF[effect.phase];
  const suffix = `${effect.phase.toLowerCase()}-m${effect.milestone_index + 1}-a${effect.attempt}${effect.followup ? `-f${effect.followup}` : ''}`;
  const session = adapter.sessions ? sessionToContinue(state, effect) : null;
  const task = taskText(state);
  const output = await adapter.run(buildPrompt(state, effect, { diff, task }), {
    phase: effect.phase,
    runId: state.run_id,
    runDir: state.run_dir,
    workDir: state.work_dir,
    milestoneIndex: effect.milestone_index,
    attempt: effect.attempt,
    logPath: logPathFor(state, effect, suffix),
    stallTimeoutMs: limits.stall_timeout_s * 1000,
    timeoutMs: limits.worker_timeout_s * 1000,
    deadlineMs: ctx.deadlineMs,
    graceMs: limits.result_grace_s * 1000,
    isFinalResult: (v) => v !== undefined && (schema.safeParse(v).success || RateLimitedResultSchema.safeParse(v).success),
    continuation: session
      ? { sessionId: session.id, usage: session.usage, prompt: buildPrompt(state, effect, { diff, task, continued: true }) }
      : undefined,
    onSpawn: ctx.onSpawn,
    onActivity: ctx.onActivity,
    signal: ctx.signal,
    ...workerConfinement(state, role, config),
  });
  return { kind: 'worker', ...output };
}

/** The run's task text; a task.md changed under the run ends it with one clear line (as a changed journal does). */
function taskText(state: RunState): string {
  try {
    return runTaskBody(state.run_dir, state.task);
  } catch (err) {
    if (err instanceof TaskError) throw new RunrError('run_tampered', `Run ${state.run_id}: ${err.message}`, EXIT.notResumable);
    throw err;
  }
}
