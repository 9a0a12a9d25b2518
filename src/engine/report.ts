import type { ReportOutput } from '../contracts/outputs.js';
import type { RunState } from '../contracts/state.js';
import { guidance, milestonesCompleted, type Liveness } from './describe.js';
import { msBetween } from './state-ops.js';

/** `runr report --json` (SPEC §3): every field of the guide's example, plus diagnostics. */
export function buildReport(state: RunState, live: Liveness, nowIso: string): ReportOutput {
  const g = guidance(state, live);
  const terminal = state.phase === 'STOPPED';
  const outcome = !terminal ? 'running' : state.stop_reason === 'complete' ? 'complete' : state.stop_reason ? 'stopped' : 'unknown';
  return {
    version: 1,
    run_id: state.run_id,
    phase: state.phase,
    checkpoint_sha: state.checkpoint_sha,
    total_duration_ms: msBetween(state.started_at, state.ended_at ?? nowIso),
    started_at: state.started_at,
    ended_at: terminal ? state.ended_at : null,
    phases: state.stats.phase_stats,
    verify: state.stats.verify_stats,
    milestones: { completed: milestonesCompleted(state), total: state.milestones.length },
    outcome,
    stop_reason: outcome === 'stopped' ? state.stop_reason : null,
    next_action: g.next_action,
    suggested_command: g.suggested_command,
    explanation: g.explanation,
    stop_detail: state.stop_detail,
    task: state.task.title,
    branch: state.branch,
    base_sha: state.base_sha,
    worktree_path: state.work_dir,
    run_dir: state.run_dir,
    stale: !terminal && !live.alive,
    guard_violation_files: state.feedback.guard_violation_files,
    verification_failure: state.feedback.verification_failure,
    retry_at: state.queue.retry_at,
    failure_signature: state.loop.failure_signatures.at(-1) ?? null,
    usage: state.stats.usage,
    milestone_list: state.milestones.map(({ id, goal, status, checkpoint_sha, empty, no_change_reason, action_failures }) => ({
      id, goal, status, checkpoint_sha, empty: empty ?? false, no_change_reason: no_change_reason ?? null, action_failures: action_failures ?? [],
    })),
    last_worker_log: state.stats.last_worker_log,
    wip_ref: state.wip_ref,
    sandbox: state.sandbox ?? null,
  };
}
