import { detachSupervisor } from '../engine/detach.js';
import { noticesOf, prepareResume, prepareStart, type Approval, type PreparedRun, type ResumeOptions, type StartOptions } from './runs.js';

/** A run handed to a background `runr` process, which outlives this one: read it with waitForRun, followRun or watchRun. */
export interface BackgroundRun {
  id: string;
  runDir: string;
  /** The background executor's process id (SIGTERM stops the run with `interrupted`, as Ctrl-C would). */
  pid: number;
  /** What the operator should know about this session (as RunHandle.notices). */
  notices: string[];
}

/**
 * Starts a run and hands it to a background process at once (`runr run --detach`). That process executes it
 * through the real ports: adapters of this process cannot go along (`ports` is not an option here).
 */
export async function startRunInBackground(opts: Omit<StartOptions, 'signal' | 'ports'>): Promise<BackgroundRun> {
  return handOver(await prepareStart(opts));
}

/**
 * Resumes a run, or with `approval` gives it a verdict at its approval gate, and hands it to a background
 * process (`runr resume --detach`, `runr approve --detach`, `runr reject --detach`).
 */
export async function resumeRunInBackground(repo: string, runId: string, opts: Omit<ResumeOptions, 'signal' | 'ports'> & { approval?: Approval } = {}): Promise<BackgroundRun> {
  return handOver(await prepareResume(repo, runId, opts, opts.approval));
}

function handOver(run: PreparedRun): BackgroundRun {
  const { store, leaseToken } = run;
  const { repo_root: repoRoot, run_id: id } = store.state;
  return { id, runDir: store.runDir, pid: detachSupervisor(repoRoot, id, store.runDir, leaseToken), notices: noticesOf(run) };
}
