import path from 'node:path';
import type { RunEventInput } from '../contracts/events.js';
import type { RunInit, RunState } from '../contracts/state.js';

/**
 * A run directory is relocatable: the journal (and state.json, its fold) names paths inside the
 * repository relative to the repository root, which is wherever the run directory is found
 * (`<root>/.runr/runs/<run_id>`). Paths outside the repository stay absolute. The engine works with
 * absolute paths: they are made relative when an event is journaled and resolved when a state is loaded.
 * Journals written before this hold absolute paths: reading makes them relative (store/journal-format.ts).
 */

/** The repository a run directory belongs to: the one holding its `.runr/runs/`. */
export const repoRootOfRunDir = (runDir: string) => path.resolve(runDir, '..', '..', '..');

const isInside = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** `p` relative to `root` (`.` for the root itself, `/` as separator) when inside it; otherwise as it is. */
export function portablePath(root: string, p: string): string {
  if (!path.isAbsolute(p) || !path.isAbsolute(root) || !isInside(root, p)) return p;
  return path.relative(root, p).split(path.sep).join('/') || '.';
}

type RunPaths = Pick<RunInit, 'repo_root' | 'run_dir' | 'work_dir' | 'task_file' | 'config_path'>;

/** A run's fixed paths as the journal keeps them: relative to its repository root, which is `.`. */
export function portableRunInit<T extends RunPaths>(run: T): T {
  const root = run.repo_root;
  if (!path.isAbsolute(root)) return run;
  const rel = (p: string) => portablePath(root, p);
  return { ...run, repo_root: '.', run_dir: rel(run.run_dir), work_dir: rel(run.work_dir), task_file: rel(run.task_file), config_path: rel(run.config_path) };
}

/** An event as it is journaled: the paths it carries inside the repository made relative to it. */
export function portableEvent(event: RunEventInput, repoRoot: string): RunEventInput {
  if (event.type === 'run_started') {
    return { ...event, run: portableRunInit({ ...event.run, repo_root: path.isAbsolute(event.run.repo_root) ? event.run.repo_root : repoRoot }) };
  }
  if (event.type !== 'effect_result') return event;
  const result = event.result;
  if (result.kind === 'worker' && result.log_path) return { ...event, result: { ...result, log_path: portablePath(repoRoot, result.log_path) } };
  if (result.kind === 'verify' && result.failure) {
    return { ...event, result: { ...result, failure: { ...result.failure, log_path: portablePath(repoRoot, result.failure.log_path) } } };
  }
  return event;
}

/** A state with its paths resolved against the repository its run directory is in now. */
export function locateState(state: RunState, runDir: string): RunState {
  const root = repoRootOfRunDir(runDir);
  const at = (p: string): string => path.resolve(root, p);
  const failure = state.feedback.verification_failure;
  const log = state.stats.last_worker_log;
  return {
    ...state,
    repo_root: root,
    run_dir: path.resolve(runDir),
    work_dir: at(state.work_dir),
    task_file: at(state.task_file),
    config_path: at(state.config_path),
    stats: { ...state.stats, last_worker_log: log === null ? null : at(log) },
    feedback: { ...state.feedback, verification_failure: failure ? { ...failure, log_path: at(failure.log_path) } : failure },
  };
}
