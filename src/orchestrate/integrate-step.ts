import path from 'node:path';
import type { OrchEventInput, OrchState } from '../contracts/orchestration.js';
import { STOP_REASONS, type StopReason } from '../contracts/stop-reasons.js';
import { loadState } from '../engine/load-state.js';
import type { RunState } from '../contracts/state.js';
import { readConfig } from '../engine/start-run.js';
import { sessionSandbox } from '../engine/sandbox-session.js';
import { runBranchOf } from '../git/run-branch.js';
import { ORCH_FILES, runDirOf } from '../store/paths.js';
import { closeIntegration, integrationTip, leftoverMarkers, mergeInto, openIntegration, recordResolution, verifyIntegration, type IntegrationWorkspace } from './integration.js';
import type { OrchStore } from './orch-store.js';
import { runFixTask } from './fix-task.js';
import type { SuperviseHooks } from '../engine/supervisor.js';
import type { EnginePorts } from '../engine/ports/ports.js';

export type IntegrationStop = { reason: StopReason; detail: string } | null;

const now = () => new Date().toISOString();

/**
 * Merges the run branches of the completed tasks, in dependency order, into `runr/orch/<id>` (in its own
 * worktree; the user's checkout is never touched), then runs the verification tiers on the result. Each
 * merge is journaled, so a resumed orchestration merges only what is left. A conflict becomes a fix run
 * (or, with fixing off, a `merge_conflict` stop naming the files).
 */
export async function integrate(store: OrchStore, orchDir: string, signal: AbortSignal, hooks?: SuperviseHooks, ports?: Partial<EnginePorts>): Promise<IntegrationStop> {
  const journal = (e: OrchEventInput) => store.append(e);
  const orch = () => store.state;
  const done = orch().planned.filter((t) => orch().tasks.find((x) => x.key === t.key)?.status === 'complete');
  if (!done.length) return null;
  const ws = await openIntegration(orch().repo_root, orch().orch_id, orch().base_sha, path.join(orchDir, ORCH_FILES.integration));
  try {
    if (['pending', 'failed', 'skipped', 'verifying'].includes(orch().integration.status)) journal({ type: 'integration_started', ts: now(), branch: ws.branch });
    const stateOf = (key: string) => orch().tasks.find((t) => t.key === key)!;
    // A task whose branch a later completed task started from is merged with it (one merge per chain).
    const heirOf = (key: string) => done.find((y) => stateOf(y.key).base_ref === runBranchOf(stateOf(key).run_id!))?.key ?? null;
    const carried = (heir: string): string[] => done.map((t) => t.key).filter((k) => heirOf(k) === heir).flatMap((k) => [...carried(k), k]);
    const mergedWith = (key: string, runId: string, sha: string) => {
      for (const k of carried(key)) if (!orch().integration.merged.includes(k)) journal({ type: 'integration_merged', ts: now(), key: k, run_id: stateOf(k).run_id!, sha });
      journal({ type: 'integration_merged', ts: now(), key, run_id: runId, sha });
    };
    for (const task of done) {
      if (orch().integration.merged.includes(task.key) || heirOf(task.key)) continue;
      const runId = stateOf(task.key).run_id!;
      const message = `runr: integrate ${task.key} (run ${runId})`;
      // A fix run that can still succeed goes on; any other conflict is merged again (a person may have merged it by hand meanwhile).
      const conflict = orch().integration.conflict;
      const pending = conflict?.key === task.key && conflict.fix_run_id && (await fixRunCanGoOn(orch().repo_root, conflict.fix_run_id)) ? conflict : null;
      const outcome = pending ? { kind: 'conflict' as const, files: pending.files, conflictBase: pending.conflict_base } : await mergeInto(ws, runBranchOf(runId), message);
      if (outcome.kind !== 'conflict') {
        mergedWith(task.key, runId, outcome.sha);
        continue;
      }
      if (!pending) journal({ type: 'integration_conflict', ts: now(), key: task.key, run_id: runId, files: outcome.files, conflict_base: outcome.conflictBase });
      const resolved = await resolveConflict(store, orchDir, ws, task.key, runId, message, signal, hooks, ports);
      if ('sha' in resolved) mergedWith(task.key, runId, resolved.sha);
      else if (resolved.stop || signal.aborted) return resolved.stop;
    }
    if (signal.aborted) return null;
    return await verifyMerged(store, orchDir, ws, signal);
  } finally {
    await closeIntegration(ws);
  }
}

/** A fix run not yet over, complete, or stopped resumably. */
async function fixRunCanGoOn(repoRoot: string, runId: string): Promise<boolean> {
  const state = await loadState(runDirOf(repoRoot, runId));
  return !state || !state.stop_reason || state.stop_reason === 'complete' || STOP_REASONS[state.stop_reason].resumable;
}

/** The merge commit of a resolved conflict, or why it was not resolved (null: the orchestrator is stopping). */
async function resolveConflict(
  store: OrchStore, orchDir: string, ws: IntegrationWorkspace, key: string, runId: string, message: string, signal: AbortSignal,
  hooks?: SuperviseHooks, ports?: Partial<EnginePorts>,
): Promise<{ sha: string } | { stop: IntegrationStop }> {
  const conflict = store.state.integration.conflict!;
  const files = conflict.files.join(', ');
  const byHand = `Merge ${runBranchOf(runId)} into ${ws.branch} by hand (git switch ${ws.branch} && git merge ${runBranchOf(runId)}), resolve ${files} and commit`;
  const stop = (detail: string) => ({ stop: { reason: 'merge_conflict' as const, detail } });
  if (!store.state.options.fix_conflicts) return stop(`merging ${key} (${runBranchOf(runId)}) conflicts in ${files}; conflict fixing is off. ${byHand}`);
  const fixed: RunState | null = await runFixTask(store, orchDir, ws, signal, hooks, ports);
  if (!fixed || signal.aborted) return { stop: null };
  if (fixed.stop_reason !== 'complete' || !fixed.checkpoint_sha) {
    return stop(`merging ${key} conflicts in ${files}, and the fix run ${fixed.run_id} stopped (${fixed.stop_reason}: ${(fixed.stop_detail ?? '').split('\n')[0]}). ${byHand}`);
  }
  const left = await leftoverMarkers(store.state.repo_root, fixed.checkpoint_sha, conflict.files);
  if (left.length) return stop(`the fix run ${fixed.run_id} left conflict markers in ${left.join(', ')}. ${byHand}`);
  return { sha: await recordResolution(ws, fixed.checkpoint_sha, runBranchOf(runId), `${message}; conflicts in ${files} resolved by run ${fixed.run_id}`) };
}

async function verifyMerged(store: OrchStore, orchDir: string, ws: IntegrationWorkspace, signal: AbortSignal): Promise<IntegrationStop> {
  const orch: OrchState = store.state;
  const config = readConfig(orch.config_path);
  const sandbox = await sessionSandbox(config, undefined);
  const confined = sandbox.bwrap && sandbox.active
    ? { sandbox: { bwrap: sandbox.bwrap, repoRoot: orch.repo_root, workDir: ws.dir, runDir: orchDir, writable: config.sandbox_writable ?? [] } }
    : { unconfined: sandbox.reason };
  const tip = await integrationTip(ws);
  store.append({ type: 'integration_verifying', ts: now(), sha: tip });
  const result = await verifyIntegration(ws, config, path.join(orchDir, ORCH_FILES.logs), signal, confined);
  if (signal.aborted) return null;
  store.append(result.ok
    ? { type: 'integration_verified', ts: now(), ok: true, sha: tip }
    : { type: 'integration_verified', ts: now(), ok: false, sha: tip, failed_command: result.command, excerpt: result.excerpt });
  return result.ok ? null : { reason: 'integration_failed', detail: `${result.command} failed on ${ws.branch}: ${result.excerpt.split('\n').slice(0, 3).join(' ')}` };
}
