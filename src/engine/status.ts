import type { StatusOutput } from '../contracts/outputs.js';
import type { RunState } from '../contracts/state.js';
import { guidance, type Liveness } from './describe.js';

/** `runr status` (SPEC §3): the guide's fields plus lease, waits and what to do next. */
export function buildStatus(state: RunState, live: Liveness): StatusOutput {
  const g = guidance(state, live);
  const out: StatusOutput = {
    run_id: state.run_id,
    phase: state.phase,
    milestone_index: state.milestone_index,
    milestones: state.milestones.map(({ id, goal, status, checkpoint_sha }) => ({ id, goal, status, checkpoint_sha })),
    stop_reason: state.stop_reason,
    stop_detail: state.stop_detail,
    verification_failures: state.loop.verification_failures,
    updated_at: state.updated_at,
    started_at: state.started_at,
    task: state.task.title,
    branch: state.branch,
    worktree_path: state.work_dir,
    checkpoint_sha: state.checkpoint_sha,
    usage: state.stats.usage,
    sandbox: state.sandbox ?? null,
    next_action: g.next_action,
    suggested_command: g.suggested_command,
  };
  const { guard_violation_files: violationFiles } = state.feedback;
  const { retry_at: retryAt, waiting } = state.queue;
  if (violationFiles?.length) out.guard_violation_files = violationFiles;
  if (retryAt && (waiting || state.stop_reason === 'quota_wait')) out.retry_at = retryAt;
  if (waiting) out.waiting = waiting;
  if (state.stop_reason === 'awaiting_approval' && state.ended_at) {
    out.waiting = { reason: 'awaiting_approval', since: state.ended_at, gate: state.approval_gate ?? undefined };
  }
  if (state.phase !== 'STOPPED' || !state.finalized) {
    if (live.alive && live.pid !== null) out.lease = { pid: live.pid, alive: true };
    else out.stale = true;
    // An executor that stopped beating (frozen, suspended): the run waits for its lease to expire.
    if (live.alive && live.overdue) out.waiting = { reason: 'lease', since: live.overdue.since, retry_at: live.overdue.expires_at };
  }
  return out;
}
