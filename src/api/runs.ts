import path from 'node:path';
import type { SandboxMode } from '../contracts/sandbox.js';
import { resolveRepo } from './locate.js';
import { startRun as startStoredRun } from '../engine/start-run.js';
import { defaultConfigPath } from '../store/paths.js';
import type { RunHandle } from './handle.js';
import type { RunStore } from '../engine/run-store.js';
import { runDirFor } from './read.js';
import type { EnginePorts } from '../engine/ports/ports.js';

// Only what a start needs before its first journal event is imported above; the engine that executes a run, resumes
// and the warnings (workers' pricing) load when used, so `runr run` journals `run_started` sooner (issue 12).

export interface StartOptions {
  /** Any directory inside the git repository to work on. */
  repo: string;
  /** The task file (`# Title`, `## Goal`, …). */
  task: string;
  /** The config file; default `<repo>/.runr/runr.config.json`. */
  config?: string;
  /** Run in a worktree of its own (default true); false works in the repository itself, as `runr run` without --worktree. */
  worktree?: boolean;
  /** A branch or commit to start from (worktree runs only); default HEAD. */
  baseRef?: string;
  fast?: boolean;
  allowDeps?: boolean;
  allowDirty?: boolean;
  timeMin?: number;
  maxTicks?: number;
  budgetUsd?: number;
  sandbox?: SandboxMode;
  /** Ids with a random suffix always (machines sharing one remote or queue). */
  uniqueIdAcrossMachines?: boolean;
  /** Cancels the run (as handle.cancel()). */
  signal?: AbortSignal;
  /** Replaces some of the adapters the run is executed through (e.g. workers run by another executor); the rest stay real. */
  ports?: Partial<EnginePorts>;
}

/** Starts a run and executes it in this process: the same run on disk as `runr run` makes (`runr wait`, `status`, `report` see it). */
export async function startRun(opts: StartOptions): Promise<RunHandle> {
  return executeHere(await prepareStart(opts), opts.signal, opts.ports);
}

/** Starts a run, holding its lease, with what its operator should know: not executing yet. */
export async function prepareStart(opts: Omit<StartOptions, 'signal'>): Promise<PreparedRun> {
  const repoRoot = await resolveRepo(opts.repo);
  const { store, leaseToken } = await startStoredRun({
    repoRoot,
    taskFile: path.resolve(opts.task),
    configPath: opts.config ? path.resolve(opts.config) : defaultConfigPath(repoRoot),
    worktree: opts.worktree ?? true,
    fast: opts.fast ?? false,
    allowDeps: opts.allowDeps ?? false,
    allowDirty: opts.allowDirty ?? false,
    timeMin: opts.timeMin,
    maxTicks: opts.maxTicks,
    budgetUsd: opts.budgetUsd,
    sandbox: opts.sandbox,
    uniqueIdAcrossMachines: opts.uniqueIdAcrossMachines,
    baseRef: opts.baseRef,
  });
  const { startWarnings } = await import('../engine/session-warnings.js');
  return { store, leaseToken, warnings: startWarnings(store.state), notes: [] };
}

export interface ResumeOptions {
  /** Reload workers, limits and approvals from the config file (`runr resume --force`). */
  force?: boolean;
  timeMin?: number;
  maxTicks?: number;
  budgetUsd?: number;
  signal?: AbortSignal;
  ports?: Partial<EnginePorts>;
}

/** A run's verdict at an approval gate: `runr approve`, or `runr reject` with what must change. */
export type Approval = { verdict: 'approve' } | { verdict: 'reject'; reason: string };

/** Resumes a stopped (or abandoned) run in this process, as `runr resume` does; refusals throw a RunrError with `code`. */
export async function resumeRun(repo: string, runId: string, opts: ResumeOptions = {}): Promise<RunHandle> {
  return executeHere(await prepareResume(repo, runId, opts), opts.signal, opts.ports);
}

/** Approves the plan or checkpoint a run waits at and executes the rest (`runr approve`). */
export async function approveRun(repo: string, runId: string, opts: { signal?: AbortSignal; ports?: Partial<EnginePorts> } = {}): Promise<RunHandle> {
  return executeHere(await prepareResume(repo, runId, { signal: opts.signal }, { verdict: 'approve' }), opts.signal, opts.ports);
}

/** Rejects the plan or checkpoint a run waits at, sending `reason` back, and executes the rest (`runr reject`). */
export async function rejectRun(repo: string, runId: string, reason: string, opts: { signal?: AbortSignal; ports?: Partial<EnginePorts> } = {}): Promise<RunHandle> {
  return executeHere(await prepareResume(repo, runId, { signal: opts.signal }, { verdict: 'reject', reason }), opts.signal, opts.ports);
}

/**
 * Resumes a run (or gives it a verdict at its approval gate), holding its lease: not executing yet. `signal`
 * cancels the clean-up of a stop cut short, which resuming may have to finish first.
 */
export async function prepareResume(repo: string, runId: string, opts: ResumeOptions, approval?: Approval): Promise<PreparedRun> {
  const runDir = await runDirFor(repo, runId);
  const [{ resumeRun: resumeStoredRun }, { unconfinedWarning }] = await Promise.all([import('../engine/resume-run.js'), import('../engine/session-warnings.js')]);
  const { store, leaseToken, notices } = await resumeStoredRun({
    runDir, force: opts.force ?? false, timeMin: opts.timeMin, maxTicks: opts.maxTicks, budgetUsd: opts.budgetUsd, approval, signal: opts.signal,
  });
  const unconfined = unconfinedWarning(store.state);
  return { store, leaseToken, warnings: unconfined ? [unconfined] : [], notes: notices ?? [] };
}

/** A run whose lease this process holds, ready to execute here or in the background. */
export interface PreparedRun {
  store: RunStore;
  leaseToken: string;
  /** Settings the operator should know about (the CLI's "Warning:" lines). */
  warnings: string[];
  /** What a resume kept although the config file changed (the CLI's "Note:" lines). */
  notes: string[];
}

/** Everything the operator should know about a prepared session, warnings first. */
export const noticesOf = (run: PreparedRun): string[] => [...run.warnings, ...run.notes];

async function executeHere(run: PreparedRun, signal: AbortSignal | undefined, ports?: Partial<EnginePorts>): Promise<RunHandle> {
  const { executeInProcess } = await import('./handle.js');
  return executeInProcess(run.store, run.leaseToken, signal, noticesOf(run), ports);
}
