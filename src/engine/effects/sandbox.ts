import type { WorkerConfig, WorkerRole } from '../../contracts/config.js';
import type { RunState } from '../../contracts/state.js';
import type { SandboxSpec } from '../../workers/sandbox/confine.js';

/** How a process of this run is confined in this session: a spec to confine it with, or why it is not. */
type Confinement = { sandbox: SandboxSpec } | { unconfined: string };

function spec(state: RunState, bwrap: string, extra: string[] = []): SandboxSpec {
  return {
    bwrap,
    repoRoot: state.repo_root,
    workDir: state.work_dir,
    runDir: state.run_dir,
    writable: [...(state.config.sandbox_writable ?? []), ...extra],
  };
}

const why = (state: RunState) => state.sandbox?.reason.replace(/^running unconfined: /, '') ?? 'started by a runr without a sandbox';

/** A worker call: confined when the session's decision says so for its role. */
export function workerConfinement(state: RunState, role: WorkerRole, worker: WorkerConfig): Confinement {
  const bwrap = state.sandbox?.bwrap;
  if (!bwrap || !state.sandbox?.workers[role]) {
    return { unconfined: state.sandbox?.bwrap ? `sandbox is off for the ${role}` : why(state) };
  }
  return { sandbox: spec(state, bwrap, worker.sandbox_writable) };
}

/** Verification runs the worker's code: confined under the run's mode. */
export function verifyConfinement(state: RunState): Confinement {
  const bwrap = state.sandbox?.bwrap;
  return bwrap && state.sandbox?.active ? { sandbox: spec(state, bwrap) } : { unconfined: why(state) };
}
