import { ROLE_OF_PHASE, type WorkerRole } from '../contracts/config.js';
import type { UsageTotals } from '../contracts/state.js';
import { emptyUsage, sumUsage } from '../engine/state-ops.js';
import { esc, seconds, table, usd } from './escape.js';
import type { RunHtmlData } from './run-model.js';

const usageRow = (name: string, u: UsageTotals) => [name, u.calls, u.input_tokens, u.output_tokens, usd(u.cost_usd) + (u.unpriced_calls ? ` (+${u.unpriced_calls} unpriced)` : '')];
const USAGE_HEAD = ['', 'calls', 'input tokens', 'output tokens', 'cost'];

/**
 * Totals per worker: each role with the worker type the config gives it, and each type that serves several
 * roles (a claude planner and reviewer) summed, from the per-phase totals (a role works in one phase).
 */
export function usagePerWorker(byPhase: Record<string, UsageTotals>, workers: RunHtmlData['workers']): { name: string; usage: UsageTotals }[] {
  const roles = Object.entries(ROLE_OF_PHASE).flatMap(([phase, role]) => {
    const u = byPhase[phase];
    return u ? [{ role: role as WorkerRole, type: workers[role as WorkerRole], usage: u }] : [];
  });
  const byType = new Map<string, { roles: string[]; usage: UsageTotals }>();
  for (const r of roles) {
    const t = byType.get(r.type) ?? { roles: [], usage: emptyUsage() };
    byType.set(r.type, { roles: [...t.roles, r.role], usage: sumUsage(t.usage, r.usage) });
  }
  return [
    ...roles.map((r) => ({ name: `${r.role} (${r.type})`, usage: r.usage })),
    ...[...byType].filter(([, t]) => t.roles.length > 1).map(([type, t]) => ({ name: `all ${type} workers (${t.roles.join(', ')})`, usage: t.usage })),
  ];
}

export function usageHtml(d: RunHtmlData): string {
  const u = d.report.usage;
  const byPhase = table('Usage per phase', USAGE_HEAD, [...Object.entries(u.by_phase).map(([p, t]) => usageRow(p, t)), usageRow('total', u.total)]);
  const perWorker = usagePerWorker(u.by_phase, d.workers);
  const byWorker = perWorker.length ? table('Usage per worker', USAGE_HEAD, perWorker.map((w) => usageRow(w.name, w.usage))) : '';
  const byMilestone = Object.keys(u.by_milestone).length ? table('Usage per milestone', USAGE_HEAD, Object.entries(u.by_milestone).map(([m, t]) => usageRow(m, t))) : '';
  const calls = table('Worker calls', ['phase', 'milestone', 'attempt', 'outcome', 'time', 'input tokens', 'output tokens', 'cost'],
    d.calls.map((c) => [c.phase, c.milestone ?? '—', c.attempt ?? '—', c.outcome, seconds(c.duration_ms), c.input_tokens ?? '—', c.output_tokens ?? '—', c.cost_usd === null ? '—' : usd(c.cost_usd)]));
  return `<section aria-labelledby="usage-h"><h2 id="usage-h">Usage and cost</h2>${byPhase}${byWorker}${byMilestone}<details><summary>Each worker call (${esc(d.calls.length)})</summary>${calls}</details></section>`;
}
