import type { Effect, EffectOf, EffectResult, ResultOf } from '../../contracts/effects.js';
import { ROLE_OF_PHASE, workerFor } from '../../contracts/config.js';
import { ImplementResultSchema, PlanResultSchema, RateLimitedResultSchema, ReviewResultSchema } from '../../contracts/worker-results.js';
import { workerWithSecrets } from '../../config/stored-config.js';
import { checkChanges, compileScope, findSymlinkEscapes } from '../../guard/index.js';
import { checkpointTrailer, commitPaths, diffIncludingNew } from '../../git/checkpoint.js';
import { buildPrompt } from '../../prompts/build.js';
import { runVerification } from '../../verify/run-tiers.js';
import { createWorker, WorkerUnavailableError } from '../../workers/index.js';
import { scopeRules } from '../phases/plan.js';
import { sessionToContinue } from '../worker-sessions.js';
import { clearChildren } from './children.js';
import { processTag } from '../../util/process-tree.js';
import { logPathFor, runChanges, type PerformContext } from './context.js';
import { branchCheck, finalizeWorkspace, prepareWorkspace, uncommitWorkerCommits } from './workspace.js';

const SCHEMA_OF = { PLAN: PlanResultSchema, IMPLEMENT: ImplementResultSchema, REVIEW: ReviewResultSchema } as const;

/** Performs one effect against the world and describes what happened. */
export async function perform(effect: Effect, ctx: PerformContext): Promise<EffectResult> {
  try {
    switch (effect.kind) {
      case 'prepare_workspace': return await prepareWorkspace(ctx.state);
      case 'worker': return await performWorker(effect, ctx);
      case 'guard': return await performGuard(ctx);
      case 'verify': return await performVerify(effect, ctx);
      case 'checkpoint': return await performCheckpoint(effect, ctx);
      case 'wait_until': return await performWait(effect, ctx);
      case 'finalize': return await finalizeWorkspace(ctx.state);
    }
  } finally {
    clearChildren(ctx.state.run_dir);
  }
}

async function performWorker(effect: EffectOf<'worker'>, ctx: PerformContext): Promise<ResultOf<'worker'>> {
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
  let diff: string | undefined;
  if (effect.phase === 'REVIEW') {
    const { changes } = await runChanges(state);
    diff = await diffIncludingNew(state.work_dir, changes.map((c) => c.path));
  }
  const limits = state.config.limits;
  const schema = SCHEMA_OF[effect.phase];
  const suffix = `${effect.phase.toLowerCase()}-m${effect.milestone_index + 1}-a${effect.attempt}${effect.followup ? `-f${effect.followup}` : ''}`;
  const session = adapter.sessions ? sessionToContinue(state, effect) : null;
  const output = await adapter.run(buildPrompt(state, effect, { diff }), {
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
      ? { sessionId: session.id, usage: session.usage, prompt: buildPrompt(state, effect, { diff, continued: true }) }
      : undefined,
    onSpawn: ctx.onSpawn,
  });
  return { kind: 'worker', ...output };
}

async function performGuard(ctx: PerformContext): Promise<ResultOf<'guard'>> {
  const { state } = ctx;
  await uncommitWorkerCommits(state);
  const { changes } = await runChanges(state);
  const { violations } = checkChanges(compileScope(scopeRules(state)), changes);
  const flagged = new Set(violations.map((v) => v.path));
  const escapes = await findSymlinkEscapes(state.work_dir, changes.filter((c) => c.status !== 'deleted').map((c) => c.path));
  const all = [...violations, ...escapes.filter((v) => !flagged.has(v.path))];
  return { kind: 'guard', ok: all.length === 0, violations: all, changed: changes.length };
}

async function performVerify(effect: EffectOf<'verify'>, ctx: PerformContext): Promise<ResultOf<'verify'>> {
  const { state } = ctx;
  return runVerification(state.config.verification, {
    workDir: state.work_dir,
    logPath: logPathFor(state, effect, `verify-m${effect.milestone_index + 1}-a${effect.attempt}`),
    timeoutMs: state.config.limits.verify_timeout_s * 1000,
    deadlineMs: ctx.deadlineMs,
    env: { ...process.env, RUNR_RUN_ID: state.run_id, RUNR_RUN_DIR: state.run_dir },
    tag: processTag(state.run_dir),
    onSpawn: ctx.onSpawn,
  });
}

async function performCheckpoint(effect: EffectOf<'checkpoint'>, ctx: PerformContext): Promise<ResultOf<'checkpoint'>> {
  const { state } = ctx;
  const index = effect.milestone_index;
  const check = await branchCheck(state);
  if (!check.ok) return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: check.detail };
  if (check.crashMade === index + 1) return { kind: 'checkpoint', ok: true, sha: check.head, reused: true };
  if (check.crashMade !== null) {
    return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: `branch ${state.branch} ends in a checkpoint of milestone ${check.crashMade}, not ${index + 1}` };
  }

  const milestone = state.milestones[index];
  const { changes } = await runChanges(state);
  const message = [
    `runr: ${milestone?.goal ?? state.task.title}`.slice(0, 200),
    '',
    `Milestone ${index + 1}/${state.milestones.length} of run ${state.run_id}: ${state.task.title}`,
    `Verified by: ${[...state.config.verification.tier0, ...state.config.verification.tier1, ...state.config.verification.tier2].join('; ') || '(no verification commands)'}`,
    '',
    checkpointTrailer(state.run_id, index),
    '',
  ].join('\n');
  const sha = await commitPaths(state.work_dir, changes.map((c) => c.path), message);
  return { kind: 'checkpoint', ok: true, sha, reused: false };
}

async function performWait(effect: EffectOf<'wait_until'>, ctx: PerformContext): Promise<ResultOf<'wait_until'>> {
  const ms = Math.max(0, Math.min(Date.parse(effect.until), ctx.deadlineMs) - Date.now());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise((r) => (timer = setTimeout(r, ms))), ctx.aborted]);
  clearTimeout(timer);
  return { kind: 'wait_until' };
}
