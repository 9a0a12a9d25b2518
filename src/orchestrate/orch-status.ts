import type { OrchState } from '../contracts/orchestration.js';
import { TASK_STATUSES } from '../contracts/orchestration.js';
import type { OrchStatusOutput, OrchWaitOutput } from '../contracts/orchestration-outputs.js';
import { STOP_REASONS, type NextAction } from '../contracts/stop-reasons.js';
import type { Liveness } from '../engine/describe.js';

/** A command line of `runr orchestrate`, the one place they are built. */
export const orchCommand = (verb: 'status' | 'wait' | 'resume' | 'report' | 'follow', orchId: string) => `runr orchestrate ${verb} ${orchId}`;

/** What to do next about an orchestration, with its real ids. */
export function orchGuidance(state: OrchState, live: Liveness): { next_action: NextAction; suggested_command: string } {
  const id = state.orch_id;
  if (state.status === 'running') {
    return live.alive ? { next_action: 'none', suggested_command: orchCommand('wait', id) } : { next_action: 'resume', suggested_command: orchCommand('resume', id) };
  }
  const reason = state.stop_reason ?? 'interrupted';
  const spec = STOP_REASONS[reason];
  const stoppedTask = state.tasks.find((t) => t.status === 'stopped' && t.stop_reason === reason);
  // A stop that needs a person's fix before resuming (a missing program, a budget) says the task's fix first.
  if (spec.resumable && spec.nextAction === 'fix_config' && stoppedTask?.next_command) {
    return { next_action: spec.nextAction, suggested_command: `# First: ${stoppedTask.next_command.replace(/^#\s*/, '')}; then: ${orchCommand('resume', id)}` };
  }
  if (spec.resumable) return { next_action: 'resume', suggested_command: orchCommand('resume', id) };
  if (stoppedTask) {
    const fix = stoppedTask.next_command?.replace(/^#\s*/, '').replace(/,? then start a new run$/, '') ?? 'fix the cause its report names';
    return { next_action: spec.nextAction, suggested_command: `# ${stoppedTask.key}: ${fix}; then ${orchCommand('resume', id)} starts it again` };
  }
  return {
    next_action: spec.nextAction,
    suggested_command: spec.suggest({ runId: id, branch: state.integration.branch, baseSha: state.base_sha, configPath: state.config_path, fix: null }),
  };
}

/** `runr orchestrate status --json`. */
export function buildOrchStatus(state: OrchState, orchDir: string, live: Liveness): OrchStatusOutput {
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, state.tasks.filter((t) => t.status === s).length])) as OrchStatusOutput['counts'];
  const stale = state.status === 'running' && !live.alive;
  return {
    orchestration_id: state.orch_id,
    orch_dir: orchDir,
    tracks_file: state.tracks_file,
    status: state.status,
    stop_reason: state.stop_reason,
    stop_detail: state.stop_detail,
    started_at: state.started_at,
    updated_at: state.updated_at,
    ended_at: state.ended_at,
    base_sha: state.base_sha,
    max_parallel: state.options.max_parallel,
    collision_policy: state.options.collision_policy,
    counts,
    tasks: state.tasks.map(({ waits: _waits, ...task }) => task),
    integration: state.integration,
    ...(live.pid !== null && state.status === 'running' ? { lease: { pid: live.pid, alive: live.alive } } : {}),
    ...(stale ? { stale: true as const } : {}),
    ...orchGuidance(state, live),
  };
}

/** `runr orchestrate wait --json`. */
export function orchWaitOutput(state: OrchState, end: 'terminal' | 'timeout' | 'stale'): OrchWaitOutput {
  return {
    orchestration_id: state.orch_id,
    status: state.status,
    stop_reason: state.stop_reason,
    tasks: { complete: state.tasks.filter((t) => t.status === 'complete').length, total: state.tasks.length },
    integration_branch: state.integration.branch,
    ...(end === 'timeout' ? { timed_out: true as const } : {}),
    ...(end === 'stale' ? { stale: true as const } : {}),
  };
}
