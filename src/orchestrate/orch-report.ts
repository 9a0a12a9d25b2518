import type { OrchState } from '../contracts/orchestration.js';
import type { OrchReportOutput } from '../contracts/orchestration-outputs.js';
import type { Liveness } from '../engine/describe.js';
import { loadState } from '../engine/load-state.js';
import { emptyUsage, sumUsage } from '../engine/state-ops.js';
import { runDirOf } from '../store/paths.js';
import { buildOrchStatus } from './orch-status.js';

const span = (from: string | null, to: string | null) => (from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) : null);

/** `runr orchestrate report --json`: the status plus, per task, its checkpoints, durations, waits and usage (read from its run). */
export async function buildOrchReport(state: OrchState, orchDir: string, live: Liveness): Promise<OrchReportOutput> {
  const { tasks: _tasks, ...status } = buildOrchStatus(state, orchDir, live);
  let usage = emptyUsage();
  const tasks = await Promise.all(state.tasks.map(async (task) => {
    const run = task.run_id ? await loadState(runDirOf(state.repo_root, task.run_id)) : null;
    const taskUsage = run ? run.stats.usage.total : null;
    if (taskUsage) usage = sumUsage(usage, taskUsage);
    return {
      ...task,
      duration_ms: span(task.started_at, task.ended_at),
      checkpoints: (run?.milestones ?? []).filter((m) => m.checkpoint_sha).map((m) => ({ milestone: m.id, goal: m.goal, sha: m.checkpoint_sha! })),
      milestones: { completed: (run?.milestones ?? []).filter((m) => m.status === 'complete').length, total: run?.milestones.length ?? 0 },
      usage: taskUsage,
    };
  }));
  for (const c of state.integration.conflicts) {
    const fix = c.fix_run_id ? await loadState(runDirOf(state.repo_root, c.fix_run_id)) : null;
    if (fix) usage = sumUsage(usage, fix.stats.usage.total);
  }
  return {
    version: 1,
    ...status,
    total_duration_ms: span(state.started_at, state.ended_at ?? new Date().toISOString()) ?? 0,
    usage,
    tasks,
  };
}
