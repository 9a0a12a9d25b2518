import type { Effect, EffectOf, EffectResult, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { ROLE_OF_PHASE, workerFor } from '../../contracts/config.js';
import { ImplementResultSchema, PlanResultSchema, RateLimitedResultSchema, ReviewResultSchema } from '../../contracts/worker-results.js';
import { workerWithSecrets } from '../../config/stored-config.js';
import { compileScope, findAddedSecrets, guardChanges } from '../../guard/index.js';
import { blobBytes } from '../../git/blob-stream.js';
import { checkpointTrailer } from '../../git/checkpoint.js';
import { headState } from '../../git/refs.js';
import { resetIndexToHead, runIndexEnv } from '../../git/run-index.js';
import { commitOnBranch, pathsDiffering, treeFromDisk, treeOf, treePatch } from '../../git/verified-tree.js';
import { tamperings } from '../integrity/compare.js';
import { takeSnapshot } from '../integrity/snapshot.js';
import { buildPrompt } from '../prompts/build.js';
import { TaskError } from '../../task/parse.js';
import { runTaskBody } from '../../task/run-task.js';
import { RunrError } from '../../contracts/errors.js';
import { EXIT } from '../../contracts/exit-codes.js';
import { runVerification } from '../../verify/run-tiers.js';
import { createWorker, WorkerUnavailableError } from '../../workers/index.js';
import { scopeRules } from '../phases/plan.js';
import { sessionToContinue } from '../worker-sessions.js';
import { clearChildren } from './children.js';
import { processTag } from '../../util/process-tree.js';
import { expectedHead, logPathFor, runChanges, type PerformContext } from './context.js';
import { verifyConfinement, workerConfinement } from './sandbox.js';
import { branchCheck, finalizeWorkspace, prepareWorkspace, uncommitWorkerCommits } from './workspace.js';

const SCHEMA_OF = { PLAN: PlanResultSchema, IMPLEMENT: ImplementResultSchema, REVIEW: ReviewResultSchema } as const;

/** Performs one effect against the world and describes what happened. */
export async function perform(effect: Effect, ctx: PerformContext): Promise<EffectResult> {
  try {
    switch (effect.kind) {
      case 'prepare_workspace': return await prepareWorkspace(ctx.state);
      case 'worker': return await watched(ctx.state, () => performWorker(effect, ctx));
      case 'guard': return await performGuard(effect, ctx);
      case 'verify': return await watched(ctx.state, () => performVerify(effect, ctx));
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

async function performGuard(effect: EffectOf<'guard'>, ctx: PerformContext): Promise<ResultOf<'guard'>> {
  const { state } = ctx;
  await uncommitWorkerCommits(state);
  const { changes } = await runChanges(state);
  const scoped = await guardChanges(state.work_dir, compileScope(scopeRules(state)), changes);
  const secrets = await findAddedSecrets({
    workDir: state.work_dir, changes, allow: state.config.scope.secrets_allow ?? [],
    before: (p) => blobBytes(state.work_dir, expectedHead(state), p),
  });
  const all = [...scoped, ...secrets.filter((v) => !scoped.some((s) => s.path === v.path))];
  if (all.length) return { kind: 'guard', ok: false, violations: all, changed: changes.length };
  // The bytes on disk as a tree: what verification runs on (after IMPLEMENT) or ran on (after VERIFY).
  const built = await treeFromDisk(state.work_dir, expectedHead(state), changes.map((c) => c.path));
  if (!built.ok) {
    return { kind: 'guard', ok: false, violations: built.refused.map((r) => ({ path: r.path, rule: 'always_denied' as const })), changed: changes.length };
  }
  return {
    kind: 'guard', ok: true, violations: [], changed: changes.length,
    tree: effect.after === 'VERIFY' ? built.tree : null,
    ...(effect.after === 'IMPLEMENT' ? { empty: changes.length === 0 } : {}),
  };
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
    signal: ctx.signal,
    ...verifyConfinement(state),
  });
}

async function performCheckpoint(effect: EffectOf<'checkpoint'>, ctx: PerformContext): Promise<ResultOf<'checkpoint'>> {
  const { state } = ctx;
  const index = effect.milestone_index;
  const check = await branchCheck(state);
  if (!check.ok) return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: check.detail };
  if (check.crashMade === index + 1) {
    await syncIndexes(state);
    return { kind: 'checkpoint', ok: true, sha: check.head, reused: true };
  }
  if (check.crashMade !== null) {
    return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: `branch ${state.branch} ends in a checkpoint of milestone ${check.crashMade}, not ${index + 1}` };
  }
  const head = await headState(state.work_dir);
  if (head !== `refs/heads/${state.branch}`) {
    return { kind: 'checkpoint', ok: false, stop: 'worker_tampered', detail: `HEAD of ${state.work_dir} is ${head}, not ${state.branch}: nothing was committed` };
  }
  const { changes } = await runChanges(state);
  const built = await treeFromDisk(state.work_dir, check.head, changes.map((c) => c.path));
  const verified = state.verified_tree ?? null;
  if (!built.ok || (verified && built.tree !== verified)) {
    const differing = built.ok && verified ? await pathsDiffering(state.work_dir, verified, built.tree) : built.ok ? [] : built.refused.map((r) => r.path);
    return { kind: 'checkpoint', ok: false, stop: 'worker_tampered', detail: `files changed after verification and review, nothing was committed: ${differing.join(', ')}` };
  }
  // Nothing changed (a milestone the implementer said needs no change): no commit pretends there was work.
  if (built.tree === (await treeOf(state.work_dir, check.head))) return { kind: 'checkpoint', ok: true, sha: check.head, reused: false, empty: true };
  const milestone = state.milestones[index];
  const message = [
    `runr: ${milestone?.goal ?? state.task.title}`.slice(0, 200),
    '',
    `Milestone ${index + 1}/${state.milestones.length} of run ${state.run_id}: ${state.task.title}`,
    `Verified by: ${[...state.config.verification.tier0, ...state.config.verification.tier1, ...state.config.verification.tier2].join('; ') || '(no verification commands)'}`,
    '',
    checkpointTrailer(state.run_id, index),
    '',
  ].join('\n');
  const made = await commitOnBranch(state.work_dir, { tree: built.tree, parent: check.head, branch: state.branch, message });
  if (!made.ok) return { kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: made.detail };
  await syncIndexes(state);
  return { kind: 'checkpoint', ok: true, sha: made.sha, reused: false };
}

/** After a checkpoint, runr's index and the worktree's own both stand for the new HEAD. */
async function syncIndexes(state: RunState): Promise<void> {
  await resetIndexToHead(state.work_dir, runIndexEnv(state.run_dir));
  await resetIndexToHead(state.work_dir);
}

/** The milestone's patch: from the last checkpoint to the verified tree (built from disk for a run verified before runr recorded it). */
async function reviewedPatch(state: RunState): Promise<string> {
  let tree = state.verified_tree ?? null;
  if (!tree) {
    const { changes } = await runChanges(state);
    const built = await treeFromDisk(state.work_dir, expectedHead(state), changes.map((c) => c.path));
    tree = built.ok ? built.tree : expectedHead(state);
  }
  return treePatch(state.work_dir, expectedHead(state), tree);
}

/**
 * Runs a worker call or verification (which runs the worker's code) between two integrity snapshots;
 * anything it changed that only runr may change is reported with the result (SPEC §11).
 */
async function watched<R extends ResultOf<'worker'> | ResultOf<'verify'>>(state: RunState, fn: () => Promise<R>): Promise<R> {
  const before = await takeSnapshot(state);
  const result = await fn();
  const found = await tamperings(state, before, await takeSnapshot(state));
  return found.length ? { ...result, tampered: found } : result;
}

async function performWait(effect: EffectOf<'wait_until'>, ctx: PerformContext): Promise<ResultOf<'wait_until'>> {
  const ms = Math.max(0, Math.min(Date.parse(effect.until), ctx.deadlineMs) - Date.now());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise((r) => (timer = setTimeout(r, ms))), ctx.aborted]);
  clearTimeout(timer);
  return { kind: 'wait_until' };
}
