import type { OrchReportOutput } from '../contracts/orchestration-outputs.js';
import type { UsageTotals } from '../contracts/state.js';
import { loadState } from '../engine/load-state.js';
import { emptyUsage, sumUsage } from '../engine/state-ops.js';
import { runDirOf } from '../store/paths.js';
import { workerTypes } from './run-gather.js';
import { usagePerWorker } from './usage-section.js';

export interface OrchUsage {
  byPhase: Record<string, UsageTotals>;
  byWorker: { name: string; usage: UsageTotals }[];
}

/** Usage per phase and per worker summed over an orchestration's runs: its tasks' and the integration's fix runs. */
export async function orchRunsUsage(repoRoot: string, report: OrchReportOutput): Promise<OrchUsage> {
  const ids = [...report.tasks.map((t) => t.run_id), ...report.integration.conflicts.map((c) => c.fix_run_id)].filter((id): id is string => !!id);
  const byPhase: Record<string, UsageTotals> = {};
  const byWorker = new Map<string, UsageTotals>();
  for (const id of ids) {
    const state = await loadState(runDirOf(repoRoot, id));
    if (!state) continue;
    const phases = state.stats.usage.by_phase;
    for (const [phase, u] of Object.entries(phases)) byPhase[phase] = sumUsage(byPhase[phase] ?? emptyUsage(), u);
    for (const w of usagePerWorker(phases, workerTypes(state))) byWorker.set(w.name, sumUsage(byWorker.get(w.name) ?? emptyUsage(), w.usage));
  }
  return { byPhase, byWorker: [...byWorker].map(([name, usage]) => ({ name, usage })) };
}
