import { startRun } from '../engine/start-run.js';
import { resumeRun } from '../engine/resume-run.js';
import type { RunStore } from '../engine/run-store.js';
import { defaultConfigPath, runDirOf } from '../store/paths.js';

/** A task's run whose lease the orchestrator holds, ready to execute. */
export interface TaskSession {
  store: RunStore;
  leaseToken: string;
}

/** Starts a task's run in a worktree of its own, from `baseRef` (a branch or commit). */
export async function startTaskSession(opts: { repoRoot: string; taskFile: string; configPath?: string; baseRef: string; fast?: boolean }): Promise<TaskSession> {
  const { store, leaseToken } = await startRun({
    repoRoot: opts.repoRoot, taskFile: opts.taskFile, configPath: opts.configPath ?? defaultConfigPath(opts.repoRoot),
    worktree: true, fast: opts.fast ?? false, allowDeps: false, allowDirty: false, baseRef: opts.baseRef,
  });
  return { store, leaseToken };
}

/** Resumes (or reclaims) a task's run, as `runr resume` would. */
export async function resumeTaskSession(repoRoot: string, runId: string): Promise<TaskSession> {
  const { store, leaseToken } = await resumeRun({ runDir: runDirOf(repoRoot, runId), force: false });
  return { store, leaseToken };
}
