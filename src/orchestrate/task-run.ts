import type { OrchEventInput, OrchState } from '../contracts/orchestration.js';
import type { RunState } from '../contracts/state.js';
import { STOP_REASONS, STOP_REASON_NAMES, type StopReason } from '../contracts/stop-reasons.js';
import { RunrError } from '../contracts/errors.js';
import { approvalChoices } from '../contracts/next-step.js';
import { resumeTaskSession, startTaskSession, type TaskSession } from './task-sessions.js';
import { LeaseLostError, supervise, type SuperviseHooks } from '../engine/supervisor.js';
import { JournalTakenOverError } from '../store/journal.js';
import { realPorts } from '../engine/ports/real-ports.js';
import type { EnginePorts, WorkerPort } from '../engine/ports/ports.js';
import { StopRequest } from '../engine/stop-request.js';
import { systemClock } from '../engine/ports/clock.js';
import { isTerminal, suggestedFor } from '../engine/describe.js';
import { loadState } from '../engine/load-state.js';
import { waitForTerminal } from '../engine/wait-run.js';
import { liveness } from '../store/lease.js';
import { runDirOf } from '../store/paths.js';
import { runBranchOf } from '../git/run-branch.js';
import type { CollisionGate } from './gate.js';
import type { PlannedTask } from './planned-task.js';
import { derivedTaskPath, withVerification, writeDerivedConfig, writeDerivedTask } from './task-files.js';
import { adoptableRun } from './adopt.js';

/** Pause before a resumable stop is resumed without a person (a quota stop waits for its retry_at instead). */
export const AUTO_RESUME_COOLDOWN_MS = 2_000;
/** How often a run parked at an approval is looked at for the person's verdict. */
const APPROVAL_POLL_MS = 1_000;

/** What driving one task needs from its orchestrator. */
export interface TaskDriverContext {
  orch: () => OrchState;
  orchDir: string;
  journal: (event: OrchEventInput) => void;
  gate: CollisionGate;
  /** The orchestrator is stopping: runs are interrupted and no task is settled from here on. */
  signal: AbortSignal;
  hooks?: SuperviseHooks;
  /** Every state a task's run reaches, for collision checks (touch.ts). */
  onRunState: (key: string, state: RunState) => void;
  /** Adapters the runs are executed through instead of the real ones (in-process tests, other executors). */
  ports?: Partial<EnginePorts>;
}

const now = () => new Date().toISOString();
const sleep = systemClock.sleep;

/**
 * Takes one task to its end: starts its run (or adopts, reattaches to or reclaims the run it already has),
 * executes it here through the collision gate, auto-resumes resumable stops within the bound, waits through
 * an approval, and journals how the task ended. Returns early, settling nothing, when the orchestrator stops.
 */
export async function driveTask(ctx: TaskDriverContext, task: PlannedTask): Promise<void> {
  const current = ctx.orch().tasks.find((t) => t.key === task.key)!;
  let runId = current.run_id ?? adoptRun(ctx, task);
  let prepared: TaskSession | null = null;
  if (!runId) {
    prepared = await startTaskRun(ctx, task);
    if (!prepared) return;
    runId = prepared.store.state.run_id;
  }
  for (;;) {
    if (ctx.signal.aborted) return;
    if (!prepared) {
      const found = await reattach(ctx, task.key, runId);
      if (found.kind === 'gone') return;
      if (found.kind === 'resumed') prepared = found.run;
      else {
        const next = await settle(ctx, task.key, found.state);
        if (next === 'done') return;
        prepared = next;
        continue;
      }
    }
    const final = await execute(ctx, task.key, prepared);
    prepared = null;
    if (ctx.signal.aborted) return;
    if (final === 'taken_over') continue;
    const next = await settle(ctx, task.key, final);
    if (next === 'done') return;
    prepared = next;
  }
}

/** A run started for this task by an orchestrator that died before journaling it. */
function adoptRun(ctx: TaskDriverContext, task: PlannedTask): string | null {
  const orch = ctx.orch();
  const runId = adoptableRun(orch.repo_root, derivedTaskPath(ctx.orchDir, task.key), orch.started_at, orch.tasks.flatMap((t) => t.runs));
  if (runId) ctx.journal({ type: 'task_run_started', ts: now(), key: task.key, run_id: runId, base_ref: baseRefOf(orch, task) });
  return runId;
}

/** The branch a task's run starts from: its track's previous task's, else its first completed dependency's, else the orchestration's base. */
export function baseRefOf(orch: OrchState, task: PlannedTask): string {
  const branchOf = (key: string) => {
    const t = orch.tasks.find((x) => x.key === key);
    return t?.status === 'complete' && t.run_id ? runBranchOf(t.run_id) : null;
  };
  const fromPrevious = task.previous ? branchOf(task.previous) : null;
  const fromDependency = task.depends_on.filter((d) => d.when === 'complete').map((d) => branchOf(d.on)).find(Boolean);
  return fromPrevious ?? fromDependency ?? orch.base_sha;
}

async function startTaskRun(ctx: TaskDriverContext, task: PlannedTask): Promise<TaskSession | null> {
  const orch = ctx.orch();
  const baseRef = baseRefOf(orch, task);
  try {
    const file = writeDerivedTask(ctx.orchDir, task, orch.options.fast);
    const config = task.verification ? writeDerivedConfig(ctx.orchDir, task.key, orch.config_path, withVerification(task.verification)) : orch.config_path;
    const run = await startTaskSession({ repoRoot: orch.repo_root, taskFile: file, configPath: config, baseRef, fast: orch.options.fast || task.fast === true });
    ctx.journal({ type: 'task_run_started', ts: now(), key: task.key, run_id: run.store.state.run_id, base_ref: baseRef });
    return run;
  } catch (err) {
    if (!(err instanceof RunrError)) throw err;
    const reason: StopReason = (STOP_REASON_NAMES as readonly string[]).includes(err.code) ? err.code as StopReason : 'config_invalid';
    ctx.journal({
      type: 'task_ended', ts: now(), key: task.key, run_id: null, outcome: 'stopped', stop_reason: reason,
      stop_detail: `the task's run could not start: ${err.message}`, checkpoint_sha: null, next_command: `# Fix what the detail says, then: runr orchestrate resume ${orch.orch_id}`,
    });
    return null;
  }
}

/** Executes a prepared run here, its IMPLEMENT calls gated: its final state, or `taken_over` when another process took the run (it is then followed). */
async function execute(ctx: TaskDriverContext, key: string, run: TaskSession): Promise<RunState | 'taken_over'> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(ctx.signal.reason ?? 'the orchestrator stopping');
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const real = { ...realPorts(), ...ctx.ports };
  const workers: WorkerPort = {
    async call(effect, pctx) {
      if (effect.phase === 'IMPLEMENT') {
        const answer = await ctx.gate.enter(key, pctx.signal);
        if ('aborted' in answer || !answer.pass) {
          if ('with' in answer) controller.abort(new StopRequest('parallel_file_collision', `${key} may change the same files as ${answer.with}, which is running (${answer.why}); collision policy: fail`));
          // Never journaled: the run is stopping, and a stopping run's in-flight result is dropped.
          return { kind: 'worker', outcome: 'missing', detail: 'stopped at the collision gate' };
        }
      }
      return real.workers.call(effect, pctx);
    },
  };
  let waiting: string | null = null;
  ctx.gate.join(key);
  ctx.onRunState(key, run.store.state);
  try {
    return await supervise(run.store, {
      leaseToken: run.leaseToken,
      signal: controller.signal,
      ports: { ...real, workers },
      hooks: ctx.hooks,
      onEvent: (state) => {
        ctx.onRunState(key, state);
        const wait = state.phase === 'STOPPED' ? null : state.queue.waiting;
        const now = wait ? `${wait.reason}@${wait.retry_at}` : null;
        if (now === waiting) return;
        waiting = now;
        if (wait) ctx.journal({ type: 'task_waiting', ts: state.updated_at, key, reason: 'quota', detail: `rate-limited; retries at ${wait.retry_at}`, retry_at: wait.retry_at });
        else ctx.journal({ type: 'task_going', ts: state.updated_at, key });
      },
    });
  } catch (err) {
    if (err instanceof LeaseLostError || err instanceof JournalTakenOverError) return 'taken_over';
    // A write the disk refused stops the run (disk_full) when its journal still takes it: that stop is settled as any.
    const state = await loadState(run.store.runDir);
    if (state && isTerminal(state)) return state;
    throw err;
  } finally {
    ctx.gate.leave(key);
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

type Found = { kind: 'terminal'; state: RunState } | { kind: 'resumed'; run: TaskSession } | { kind: 'gone' };

/** The task's run as it is now: terminal (settle it), executed by someone else (wait for it), or abandoned (reclaim it). */
async function reattach(ctx: TaskDriverContext, key: string, runId: string): Promise<Found> {
  const runDir = runDirOf(ctx.orch().repo_root, runId);
  for (;;) {
    if (ctx.signal.aborted) return { kind: 'gone' };
    const state = await loadState(runDir);
    if (!state) throw new RunrError('run_not_found', `task ${key}: its run ${runId} has no journal`, 3);
    // A resumable stop of a task still under way (its orchestrator died, or a person resumed the orchestration) is resumed.
    const resumable = state.stop_reason !== null && state.stop_reason !== 'complete' && state.stop_reason !== 'awaiting_approval' && STOP_REASONS[state.stop_reason].resumable;
    if (isTerminal(state) && !liveness(runDir).alive && !resumable) return { kind: 'terminal', state };
    if (liveness(runDir).alive) {
      const end = await waitForTerminal(runDir, null, ctx.signal).catch(() => null);
      if (!end) return { kind: 'gone' };
      if (end.end === 'terminal') return { kind: 'terminal', state: end.state };
      continue;
    }
    const run = await resumeTaskSession(ctx.orch().repo_root, runId);
    ctx.journal({ type: 'task_run_resumed', ts: now(), key, run_id: runId, auto: false, after: state.stop_reason });
    return { kind: 'resumed', run };
  }
}

/**
 * What comes after a run stopped: the task is complete; it waits for a person's approval; it is resumed
 * (a resumable stop, within the bound); or it stopped, with the run's reason and next command.
 */
async function settle(ctx: TaskDriverContext, key: string, state: RunState): Promise<TaskSession | 'done'> {
  const reason = state.stop_reason!;
  const task = ctx.orch().tasks.find((t) => t.key === key)!;
  if (reason === 'awaiting_approval') return awaitApproval(ctx, key, state);
  const spec = STOP_REASONS[reason];
  if (reason !== 'complete' && spec.autoResumable && task.auto_resumes < ctx.orch().options.max_auto_resumes) {
    const retryAt = state.queue.retry_at ? Date.parse(state.queue.retry_at) : 0;
    await sleep(Math.max(AUTO_RESUME_COOLDOWN_MS, retryAt - Date.now()), ctx.signal);
    if (ctx.signal.aborted) return 'done';
    const run = await resumeTaskSession(state.repo_root, state.run_id);
    ctx.journal({ type: 'task_run_resumed', ts: now(), key, run_id: state.run_id, auto: true, after: reason });
    return run;
  }
  ctx.journal({
    type: 'task_ended', ts: now(), key, run_id: state.run_id, outcome: reason === 'complete' ? 'complete' : 'stopped',
    stop_reason: reason, stop_detail: state.stop_detail, checkpoint_sha: state.checkpoint_sha,
    next_command: reason === 'complete' ? null : suggestedFor(state, reason),
  });
  return 'done';
}

/** A run parked at its approval gate: the task waits (its files free) until a person approves or rejects it. */
async function awaitApproval(ctx: TaskDriverContext, key: string, state: RunState): Promise<TaskSession | 'done'> {
  ctx.journal({ type: 'task_waiting', ts: now(), key, reason: 'approval', detail: `waits for a person: ${approvalChoices(state.run_id)}` });
  const runDir = runDirOf(state.repo_root, state.run_id);
  for (;;) {
    await sleep(APPROVAL_POLL_MS, ctx.signal);
    if (ctx.signal.aborted) return 'done';
    const now = await loadState(runDir);
    if (now && !(now.phase === 'STOPPED' && now.stop_reason === 'awaiting_approval')) break;
  }
  ctx.journal({ type: 'task_going', ts: new Date().toISOString(), key });
  const found = await reattach(ctx, key, state.run_id);
  if (found.kind === 'gone') return 'done';
  return found.kind === 'resumed' ? found.run : settle(ctx, key, found.state);
}
