import type { OrchEvent, OrchState, OrchTaskState } from '../contracts/orchestration.js';
import { runBranchOf } from '../git/run-branch.js';
import { integrationBranchOf } from './integration.js';

/** The state an orchestration's journal folds to: a pure function of its events (events first, snapshot after). */
export function foldOrch(events: readonly OrchEvent[]): OrchState | null {
  let state: OrchState | null = null;
  for (const event of events) state = stepOrch(state, event);
  return state;
}


export function stepOrch(state: OrchState | null, event: OrchEvent): OrchState {
  if (event.type === 'orch_started') return started(event);
  if (!state) throw new Error(`orchestration journal: ${event.type} before orch_started`);
  return { ...step(state, event), seq: event.seq, updated_at: event.ts };
}

function started(e: Extract<OrchEvent, { type: 'orch_started' }>): OrchState {
  return {
    orch_id: e.orch_id, repo_root: e.repo_root, tracks_file: e.tracks_file, tracks_sha256: e.tracks_sha256, config_path: e.config_path,
    base_sha: e.base_sha, options: e.options, tracks: e.tracks, planned: e.tasks,
    tasks: e.tasks.map((t): OrchTaskState => ({
      key: t.key, track: t.track, task: t.id, title: t.title, file: t.file, status: 'pending', run_id: null, runs: [], base_ref: null,
      branch: null, checkpoint_sha: null, stop_reason: null, stop_detail: null, skipped_because: null, auto_resumes: 0,
      next_command: null, started_at: null, ended_at: null, waits: [],
    })),
    integration: { branch: integrationBranchOf(e.orch_id), status: 'pending', sha: null, merged: [], conflict: null, conflicts: [], verification: null },
    status: 'running', stop_reason: null, stop_detail: null, started_at: e.ts, updated_at: e.ts, ended_at: null, seq: e.seq,
  };
}

function step(s: OrchState, e: OrchEvent): OrchState {
  switch (e.type) {
    case 'orch_started': return s;
    case 'orch_resumed':
      return { ...s, status: 'running', stop_reason: null, stop_detail: null, ended_at: null };
    case 'task_waiting':
      return task(s, e.key, (t) => {
        const waits = endWait(t.waits, e.ts);
        return {
          ...t, status: 'waiting',
          waiting: { reason: e.reason, detail: e.detail, since: e.ts, ...(e.retry_at ? { retry_at: e.retry_at } : {}) },
          waits: [...waits, { reason: e.reason, detail: e.detail, since: e.ts, until: null }],
        };
      });
    case 'task_going':
      return task(s, e.key, (t) => ({ ...withoutWait(t, e.ts), status: t.run_id ? 'running' : 'pending' }));
    case 'task_run_started':
      return task(s, e.key, (t) => ({
        ...withoutWait(t, e.ts), status: 'running', run_id: e.run_id, runs: [...t.runs, e.run_id], base_ref: e.base_ref,
        branch: runBranchOf(e.run_id), started_at: t.started_at ?? e.ts, stop_reason: null, stop_detail: null, next_command: null,
      }));
    case 'task_run_resumed':
      return task(s, e.key, (t) => ({
        ...withoutWait(t, e.ts), status: 'running', auto_resumes: t.auto_resumes + (e.auto ? 1 : 0),
        stop_reason: null, stop_detail: null, next_command: null, ended_at: null,
      }));
    case 'task_ended':
      return task(s, e.key, (t) => ({
        ...withoutWait(t, e.ts), status: e.outcome, stop_reason: e.stop_reason, stop_detail: e.stop_detail,
        checkpoint_sha: e.checkpoint_sha, next_command: e.next_command, ended_at: e.ts,
      }));
    case 'task_skipped':
      return task(s, e.key, (t) => ({ ...withoutWait(t, e.ts), status: 'skipped', skipped_because: e.because, ended_at: e.ts }));
    case 'task_reopened':
      return task(s, e.key, (t) => ({
        ...t, status: e.fresh ? 'pending' : 'running', auto_resumes: 0,
        stop_reason: null, stop_detail: null, next_command: null, skipped_because: null, ended_at: null,
        ...(e.fresh ? { run_id: null, branch: null, base_ref: null, checkpoint_sha: null } : {}),
      }));
    case 'integration_started':
      return { ...s, integration: { ...s.integration, status: 'merging', verification: null } };
    case 'integration_merged':
      return {
        ...s,
        integration: {
          ...s.integration, status: 'merging', sha: e.sha, merged: [...new Set([...s.integration.merged, e.key])], conflict: null,
          conflicts: s.integration.conflicts.map((c) => (c.key === e.key ? { ...c, resolved: true } : c)),
        },
      };
    case 'integration_conflict': {
      const conflict = { key: e.key, run_id: e.run_id, files: e.files, conflict_base: e.conflict_base, fix_run_id: null };
      return { ...s, integration: { ...s.integration, status: 'conflict', conflict, conflicts: [...s.integration.conflicts, { ...conflict, resolved: false }] } };
    }
    case 'integration_fix_started':
      return {
        ...s,
        integration: {
          ...s.integration, status: 'fixing', conflict: s.integration.conflict && { ...s.integration.conflict, fix_run_id: e.run_id },
          conflicts: s.integration.conflicts.map((c, i, all) => (i === all.length - 1 ? { ...c, fix_run_id: e.run_id } : c)),
        },
      };
    case 'integration_verifying':
      return { ...s, integration: { ...s.integration, status: 'verifying', sha: e.sha } };
    case 'integration_verified':
      return {
        ...s,
        integration: {
          ...s.integration, status: e.ok ? 'verified' : 'failed', sha: e.sha,
          verification: { ok: e.ok, sha: e.sha, ...(e.failed_command ? { failed_command: e.failed_command } : {}), ...(e.excerpt ? { excerpt: e.excerpt } : {}) },
        },
      };
    case 'orch_stopped':
      return {
        ...s, status: e.outcome, stop_reason: e.stop_reason, stop_detail: e.stop_detail, ended_at: e.ts,
        // An interruption stopped every task's run under way with it (orchestrate resume resumes them).
        tasks: e.stop_reason === 'interrupted' ? s.tasks.map((t) => (t.run_id && (t.status === 'running' || t.status === 'waiting') ? {
          ...withoutWait(t, e.ts), status: 'stopped', stop_reason: 'interrupted', stop_detail: e.stop_detail, ended_at: e.ts,
        } : t)) : s.tasks,
        integration: integrationAtStop(s.integration, e.stop_reason),
      };
  }
}

function task(s: OrchState, key: string, change: (t: OrchTaskState) => OrchTaskState): OrchState {
  return { ...s, tasks: s.tasks.map((t) => (t.key === key ? change(t) : t)) };
}

function endWait(waits: OrchTaskState['waits'], ts: string): OrchTaskState['waits'] {
  const last = waits.at(-1);
  return last && last.until === null ? [...waits.slice(0, -1), { ...last, until: ts }] : waits;
}

function withoutWait(t: OrchTaskState, ts: string): OrchTaskState {
  const { waiting: _waiting, ...rest } = t;
  return { ...rest, waits: endWait(t.waits, ts) };
}

/** What the integration says once the orchestration stopped: never still "merging" or "fixing". */
function integrationAtStop(i: OrchState['integration'], reason: string): OrchState['integration'] {
  if (i.status === 'pending') return { ...i, status: 'skipped' };
  if (i.status === 'merging' || i.status === 'fixing' || i.status === 'verifying') return { ...i, status: reason === 'merge_conflict' ? 'conflict' : 'pending' };
  return i;
}
