import path from 'node:path';
import type { SandboxMode } from '../contracts/sandbox.js';
import { resolveRepo } from './locate.js';
import { resumeRun as resumeStoredRun } from '../engine/resume-run.js';
import { startRun as startStoredRun } from '../engine/start-run.js';
import { defaultConfigPath } from '../store/paths.js';
import { executeInProcess, type RunHandle } from './handle.js';
import { startWarnings, unconfinedWarning } from '../engine/session-warnings.js';
import type { ResumedRun } from '../engine/resume-run.js';
import { runDirFor } from './read.js';

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
}

/** Starts a run and executes it in this process: the same run on disk as `runr run` makes (`runr wait`, `status`, `report` see it). */
export async function startRun(opts: StartOptions): Promise<RunHandle> {
  const repoRoot = await resolveRepo(opts.repo);
  const started = await startStoredRun({
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
  return executeInProcess(started.store, started.leaseToken, opts.signal, startWarnings(started.store.state));
}

export interface ResumeOptions {
  /** Reload workers, limits and approvals from the config file (`runr resume --force`). */
  force?: boolean;
  timeMin?: number;
  maxTicks?: number;
  budgetUsd?: number;
  signal?: AbortSignal;
}

/** Resumes a stopped (or abandoned) run in this process, as `runr resume` does; refusals throw a RunrError with `code`. */
export async function resumeRun(repo: string, runId: string, opts: ResumeOptions = {}): Promise<RunHandle> {
  const runDir = await runDirFor(repo, runId);
  const resumed = await resumeStoredRun({ runDir, force: opts.force ?? false, timeMin: opts.timeMin, maxTicks: opts.maxTicks, budgetUsd: opts.budgetUsd, signal: opts.signal });
  return executeResumed(resumed, opts.signal);
}

/** Approves the plan or checkpoint a run waits at and executes the rest (`runr approve`). */
export async function approveRun(repo: string, runId: string, opts: { signal?: AbortSignal } = {}): Promise<RunHandle> {
  const runDir = await runDirFor(repo, runId);
  return executeResumed(await resumeStoredRun({ runDir, force: false, approval: { verdict: 'approve' }, signal: opts.signal }), opts.signal);
}

/** Rejects the plan or checkpoint a run waits at, sending `reason` back, and executes the rest (`runr reject`). */
export async function rejectRun(repo: string, runId: string, reason: string, opts: { signal?: AbortSignal } = {}): Promise<RunHandle> {
  const runDir = await runDirFor(repo, runId);
  return executeResumed(await resumeStoredRun({ runDir, force: false, approval: { verdict: 'reject', reason }, signal: opts.signal }), opts.signal);
}

function executeResumed({ store, leaseToken, notices }: ResumedRun, signal: AbortSignal | undefined): RunHandle {
  const unconfined = unconfinedWarning(store.state);
  return executeInProcess(store, leaseToken, signal, [...(unconfined ? [unconfined] : []), ...(notices ?? [])]);
}
