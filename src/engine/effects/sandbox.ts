import os from 'node:os';
import path from 'node:path';
import { ROLE_OF_PHASE, workerFor, type WorkerConfig, type WorkerRole } from '../../contracts/config.js';
import type { WorkerPhase } from '../../contracts/phases.js';
import type { RunState } from '../../contracts/state.js';
import { expandHome, real, type SandboxSpec } from '../../workers/sandbox/confine.js';

/** How a process of this run is confined in this session: a spec to confine it with, or why it is not. */
type Confinement = { sandbox: SandboxSpec } | { unconfined: string };

function spec(state: RunState, bwrap: string, extra: string[] = [], readOnlyWork = false): SandboxSpec {
  return {
    bwrap,
    repoRoot: state.repo_root,
    workDir: state.work_dir,
    runDir: state.run_dir,
    writable: [...(state.config.sandbox_writable ?? []), ...extra],
    readOnlyWork,
  };
}

/** Roles that judge the work and change none of it: confined, the working directory is read-only for them too. */
const READ_ONLY_ROLES: ReadonlySet<WorkerRole> = new Set(['reviewer']);

const why = (state: RunState) => state.sandbox?.reason.replace(/^running unconfined: /, '') ?? 'started by a runr without a sandbox';

/** A worker call: confined when the session's decision says so for its role. */
export function workerConfinement(state: RunState, role: WorkerRole, worker: WorkerConfig): Confinement {
  const bwrap = state.sandbox?.bwrap;
  if (!bwrap || !state.sandbox?.workers[role]) {
    return { unconfined: state.sandbox?.bwrap ? `sandbox is off for the ${role}` : why(state) };
  }
  return { sandbox: spec(state, bwrap, worker.sandbox_writable, READ_ONLY_ROLES.has(role)) };
}

/**
 * Whether the review could change no file of the run's working tree: it runs confined, read-only there.
 * Then the tree checked after VERIFY is still on disk at the checkpoint, which commits it without listing
 * the disk again.
 */
export function reviewLeavesWorkTree(state: RunState): boolean {
  return 'sandbox' in workerConfinement(state, 'reviewer', workerFor(state.config, 'REVIEW'));
}

/** Verification runs the worker's code: confined under the run's mode. */
export function verifyConfinement(state: RunState): Confinement {
  const bwrap = state.sandbox?.bwrap;
  return bwrap && state.sandbox?.active ? { sandbox: spec(state, bwrap) } : { unconfined: why(state) };
}

/**
 * Whether a call can write nothing in your checkout (worktree mode): it runs confined, where the checkout
 * is read-only, and no extra writable path of the run or its worker lies in the checkout (runr's own
 * `.runr/`, where the worktree is, aside).
 */
export function checkoutReadOnly(state: RunState, call: { role: WorkerRole; worker: WorkerConfig } | 'verify'): boolean {
  const confined = call === 'verify' ? 'sandbox' in verifyConfinement(state) : 'sandbox' in workerConfinement(state, call.role, call.worker);
  if (!confined) return false;
  const extra = [...(state.config.sandbox_writable ?? []), ...(call === 'verify' ? [] : call.worker.sandbox_writable ?? [])];
  // As the sandbox binds them: symlinks resolved (a writable ~/link into the checkout is the checkout).
  const resolved = (p: string) => real(p) ?? p;
  const root = resolved(state.repo_root);
  const runrDir = path.join(root, '.runr');
  const inCheckout = (p: string) => {
    const full = resolved(path.resolve(state.repo_root, expandHome(p, os.homedir(), state.repo_root)));
    const under = (dir: string) => !path.relative(dir, full).startsWith('..');
    return under(root) && !under(runrDir);
  };
  return !extra.some(inCheckout);
}

/**
 * Whether a call of `phase` could write your checkout, so that the integrity watch looks at it again
 * when the call ends; after any other call, it looks only when the checkout's file events say
 * something happened there (engine/integrity/watch.ts).
 */
export function lookAtCheckoutAfter(state: RunState, phase: WorkerPhase | 'VERIFY'): boolean {
  if (phase === 'VERIFY') return !checkoutReadOnly(state, 'verify');
  return !checkoutReadOnly(state, { role: ROLE_OF_PHASE[phase], worker: workerFor(state.config, phase) });
}
