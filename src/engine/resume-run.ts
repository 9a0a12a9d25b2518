import type { RunState } from '../contracts/state.js';
import { configForJournal } from '../config/stored-config.js';
import { currentBranch } from '../git/repo.js';
import { acquireLease, releaseLease } from '../store/lease.js';
import { RunStore } from './run-store.js';
import { suggestedFor } from './describe.js';
import { dirtyPaths, dirtyTreeError } from './dirty-tree.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { readConfig } from './start-run.js';
import { sessionSandbox } from './sandbox-session.js';
import { assertRunConfigIntact } from './integrity/verify-run-config.js';
import { differences, RELOADABLE_CONFIG_KEYS } from './integrity/run-config.js';
import { STOP_REASONS } from '../contracts/stop-reasons.js';
import { supervise } from './supervisor.js';
import { approvalChoices, runrCommand } from '../contracts/next-step.js';

export interface ResumeInput {
  runDir: string;
  force: boolean;
  timeMin?: number;
  maxTicks?: number;
  budgetUsd?: number;
  /** `runr approve` / `runr reject`: continue a run that awaits approval. */
  approval?: { verdict: 'approve' | 'reject'; reason?: string };
  /** Cancels the clean-up of a stop cut short, when resume has to finish it first. */
  signal?: AbortSignal;
}

export interface ResumedRun {
  store: RunStore;
  leaseToken: string;
  /** What the operator should know about this resume (settings the config file changes but the run keeps). */
  notices?: string[];
}

function refuse(state: RunState, force: boolean, approval: ResumeInput['approval']): RunrError | null {
  const reason = state.stop_reason;
  if (approval && reason !== 'awaiting_approval') {
    return new RunrError('not_awaiting_approval', `Run ${state.run_id} is not waiting for approval (${reason ?? `it is in ${state.phase}`}): nothing to ${approval.verdict}`, EXIT.notResumable);
  }
  if (state.phase !== 'STOPPED' || !reason) return null;
  if (reason === 'awaiting_approval') {
    if (approval) return null;
    return new RunrError('awaiting_approval', `Run ${state.run_id} waits for approval of its ${state.approval_gate ?? 'next step'}: ${approvalChoices(state.run_id, 'what to change')}`, EXIT.notResumable);
  }
  if (reason === 'complete') {
    return new RunrError('not_resumable', `Run ${state.run_id} is already complete: nothing to resume (its work is on ${state.branch})`, EXIT.notResumable);
  }
  const spec = STOP_REASONS[reason];
  if (spec.resumable || force) return null;
  const fix = suggestedFor(state, reason);
  return new RunrError(
    'not_resumable',
    `Run ${state.run_id} stopped with ${reason}, which is not resumable: ${spec.explanation} Next: ${fix.replace(/^# /, '')} (or, once the cause is fixed, ${runrCommand('resume', state.run_id, '--force')})`,
    EXIT.notResumable,
  );
}

/**
 * `resume --force` reads workers, limits and approvals again; scope, verification and sandbox stay as
 * the run started (a file a worker can reach never widens what a run may commit). Says which of those
 * the file now sets differently.
 */
function reloadedConfig(state: RunState): { config: RunState['config']; kept: string[] } {
  const fresh = configForJournal(readConfig(state.config_path));
  const reloaded = Object.fromEntries(RELOADABLE_CONFIG_KEYS.filter((k) => k in fresh).map((k) => [k, fresh[k]]));
  const config = { ...state.config, ...reloaded };
  return { config, kept: differences(config, fresh).map((p) => `config.${p}`) };
}

/**
 * Takes over a stopped or stale run: refuses runs that are complete, not resumable or executed by
 * a live process; reclaims a dead or expired lease; journals `run_resumed`.
 */
export async function resumeRun(input: ResumeInput): Promise<ResumedRun> {
  const lease = acquireLease(input.runDir);
  if (!lease.ok) {
    throw new RunrError('locked', `Run is locked: pid ${lease.holder.pid} on ${lease.holder.host} is executing it (heartbeat ${lease.holder.heartbeat_at})`, EXIT.locked);
  }
  const token = lease.lease.token;
  try {
    const store = RunStore.open(input.runDir);
    await assertRunConfigIntact(store.state);
    const refusal = refuse(store.state, input.force, input.approval);
    // A stop whose clean-up was cut short (a crash during finalize) is finished first. When that stop
    // is not to be resumed (complete, or not resumable), finishing it is all that is left: the caller
    // executes the pending finalize and reports the stop with its own exit code.
    if (store.state.phase === 'STOPPED' && !store.state.finalized) {
      if (refusal) return { store, leaseToken: token };
      await supervise(store, { leaseToken: token, keepLease: true, signal: input.signal });
    }
    const state = store.state;
    if (refusal) throw refusal;
    if (!state.options.worktree && (await currentBranch(state.repo_root)) !== state.branch) {
      const dirty = await dirtyPaths(state.repo_root, state.preexisting_dirty);
      if (dirty.length && !state.options.allow_dirty) throw dirtyTreeError(dirty, `commit or stash your changes before resuming run ${state.run_id}`);
    }
    const reloaded = input.force ? reloadedConfig(state) : null;
    const config = reloaded?.config ?? null;
    // Probed again: this session may run where bubblewrap is missing, or newly installed.
    const sandbox = await sessionSandbox(config ?? state.config, state.options.sandbox);
    store.append({
      type: 'run_resumed',
      ts: new Date().toISOString(),
      pid: process.pid,
      force: input.force,
      overrides: {
        ...(input.timeMin !== undefined ? { time_budget_min: input.timeMin } : {}),
        ...(input.maxTicks !== undefined ? { max_ticks: input.maxTicks } : {}),
        ...(input.budgetUsd !== undefined ? { budget_usd: input.budgetUsd } : {}),
      },
      ...(input.approval ? { approval: input.approval } : {}),
      ...(config ? { config } : {}),
      sandbox,
    });
    const notices = reloaded?.kept.length
      ? [`${reloaded.kept.join(', ')} in ${state.config_path} differ from the run's settings; the run keeps the ones it started with (start a new run to use the new ones)`]
      : [];
    return { store, leaseToken: token, notices };
  } catch (err) {
    releaseLease(input.runDir, token);
    throw err;
  }
}
