import type { OrchEvent, OrchState } from '../contracts/orchestration.js';
import type { OrchReportOutput, OrchStatusOutput, OrchWaitOutput } from '../contracts/orchestration-outputs.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT, type ExitCode } from '../contracts/exit-codes.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { liveness } from '../store/lease.js';
import { observeRun } from '../store/watch-run.js';
import type { SuperviseHooks } from '../engine/supervisor.js';
import type { EnginePorts } from '../engine/ports/ports.js';
import { executeOrchestration } from '../orchestrate/orchestrator.js';
import { listOrchIds, resolveOrch } from '../orchestrate/locate.js';
import { readOrchEvents, readOrchState } from '../orchestrate/orch-store.js';
import { buildOrchStatus, orchWaitOutput } from '../orchestrate/orch-status.js';
import { buildOrchReport } from '../orchestrate/orch-report.js';
import { prepareOrchestration, prepareOrchestrationResume, type OrchestrationStartOptions, type PreparedOrchestration } from '../orchestrate/prepare.js';
import { detachOrchestrator } from '../orchestrate/detach.js';
import { TaskActivityReader, type TaskActivity } from '../orchestrate/task-activity.js';
import { resolveRepo } from './locate.js';

export type { OrchestrationStartOptions, PreparedOrchestration };
export { prepareOrchestration, prepareOrchestrationResume };

export interface OrchestrateOptions extends Omit<OrchestrationStartOptions, 'repoRoot'> {
  /** Any directory inside the git repository. */
  repo: string;
  /** Stops the orchestration: its runs stop `interrupted` and it stops `interrupted` (all resumable). */
  signal?: AbortSignal;
  /** Adapters every task's run is executed through instead of the real ones (as startRun's `ports`). */
  ports?: Partial<EnginePorts>;
}

/** Starts an orchestration and executes it in this process to its end (or returns the active one of the same tracks file). */
export async function runOrchestration(opts: OrchestrateOptions): Promise<{ orchestrationId: string; state: OrchState | null; active: boolean }> {
  const started = await prepareOrchestration({ ...opts, repoRoot: await resolveRepo(opts.repo) });
  if (started.kind === 'active') return { orchestrationId: started.orchId, state: null, active: true };
  const state = await executePrepared(started.prepared, opts.signal, undefined, opts.ports);
  return { orchestrationId: state.orch_id, state, active: false };
}

/** Resumes an orchestration in this process: its runs under way are reattached or reclaimed first, then new tasks start. */
export async function resumeOrchestration(repo: string, orchId: string, opts: { signal?: AbortSignal; ports?: Partial<EnginePorts> } = {}): Promise<OrchState> {
  return executePrepared(prepareOrchestrationResume(await resolveRepo(repo), orchId), opts.signal, undefined, opts.ports);
}

/** Executes an orchestration whose lease this process holds. */
export function executePrepared(prepared: PreparedOrchestration, signal?: AbortSignal, hooks?: SuperviseHooks, ports?: Partial<EnginePorts>): Promise<OrchState> {
  return executeOrchestration(prepared.store, { leaseToken: prepared.leaseToken, signal, hooks, ports });
}

/** Hands an orchestration whose lease this process holds to a background process; returns its pid. */
export function executeInBackground(prepared: PreparedOrchestration): number {
  const { repo_root: repoRoot, orch_id: orchId } = prepared.store.state;
  return detachOrchestrator(repoRoot, orchId, prepared.store.dir, prepared.leaseToken);
}

async function located(repo: string, orchId: string): Promise<{ state: OrchState; orchDir: string }> {
  const { orchId: id, orchDir } = resolveOrch(await resolveRepo(repo), orchId);
  const state = readOrchState(orchDir);
  if (!state) throw new RunrError('orchestration_not_found', `Orchestration ${id} has no journal yet`, EXIT.notFound);
  return { state, orchDir };
}

/** `runr orchestrate status <id> --json`. */
export async function orchestrationStatus(repo: string, orchId: string): Promise<OrchStatusOutput> {
  const { state, orchDir } = await located(repo, orchId);
  return buildOrchStatus(state, orchDir, liveness(orchDir));
}

/** Every orchestration of the repository, newest first. */
export async function allOrchestrationStatuses(repo: string): Promise<OrchStatusOutput[]> {
  const repoRoot = await resolveRepo(repo);
  const out: OrchStatusOutput[] = [];
  for (const id of listOrchIds(repoRoot)) {
    const { orchDir } = resolveOrch(repoRoot, id);
    const state = readOrchState(orchDir);
    if (state) out.push(buildOrchStatus(state, orchDir, liveness(orchDir)));
  }
  return out;
}

/** `runr orchestrate report <id> --json`. */
export async function orchestrationReport(repo: string, orchId: string): Promise<OrchReportOutput> {
  const { state, orchDir } = await located(repo, orchId);
  return buildOrchReport(state, orchDir, liveness(orchDir));
}

/** Blocks until the orchestration is over (or `timeoutMs`, or nobody executes it); exit 0 complete, 1 stopped, 124 timeout. */
export async function waitForOrchestration(repo: string, orchId: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ output: OrchWaitOutput; exitCode: ExitCode }> {
  const { orchDir } = await located(repo, orchId);
  let state: OrchState | null = null;
  const end = await observeRun(orchDir, () => {
    state = readOrchState(orchDir);
    return state !== null && state.status !== 'running' && !liveness(orchDir).alive;
  }, opts.timeoutMs ?? null, opts.signal);
  const final = readOrchState(orchDir)!;
  const how = end === 'done' ? 'terminal' : end;
  const exitCode = how === 'timeout' ? EXIT.timedOut : how === 'stale' ? EXIT.stopped : exitCodeFor(final.stop_reason);
  return { output: orchWaitOutput(final, how), exitCode };
}

const FOLLOW_POLL_MS = 250;

/**
 * The orchestration's events from the first, as they are journaled, until it stops (or nobody executes it).
 * With `activity`, also what its tasks' workers do as their runs journal it (`task_activity`, not journal lines).
 */
export async function* followOrchestration(repo: string, orchId: string, opts: { signal?: AbortSignal; activity?: boolean } = {}): AsyncGenerator<OrchEvent | TaskActivity> {
  const { state, orchDir } = await located(repo, orchId);
  const activity = opts.activity ? new TaskActivityReader(state.repo_root) : null;
  let seen = 0;
  let idle = 0;
  for (;;) {
    const events = readOrchEvents(orchDir);
    for (const e of events.slice(seen)) {
      if (activity) yield* activity.see(e);
      yield e;
    }
    seen = events.length;
    if (activity) yield* activity.read();
    const last = events.at(-1);
    const alive = liveness(orchDir).alive;
    if (last?.type === 'orch_stopped' && !alive) return;
    idle = alive ? 0 : idle + 1;
    if (idle > 8 || opts.signal?.aborted) return;
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
}
