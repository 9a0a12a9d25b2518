import type { OrchReportOutput } from '../contracts/orchestration-outputs.js';
import type { UsageTotals } from '../contracts/state.js';
import { esc, seconds, table, usd } from './escape.js';
import { legend, page } from './page.js';
import type { OrchUsage } from './orch-usage.js';
import { timelineSvg, type TimelineRow } from './timeline.js';

/** Everything the orchestration page shows: its report and the stop reason's explanation in words. */
export interface OrchHtmlData {
  report: OrchReportOutput;
  explanation: string | null;
  /** For a task not yet ended, where its bar stops (epoch ms). */
  now: number;
  /** Usage per phase and per worker over all the orchestration's runs. */
  runsUsage: OrchUsage;
}

const STATUS_COLORS: Record<string, string> = {
  complete: 'var(--ok)', stopped: 'var(--bad)', running: 'var(--IMPLEMENT)', waiting: 'var(--warn)', skipped: 'var(--GUARD)', pending: 'var(--OTHER)',
};

function header(d: OrchHtmlData): string {
  const r = d.report;
  const state = r.stale ? 'Not running (nobody executes it)' : r.status === 'stopped' ? `Stopped: ${r.stop_reason}` : r.status === 'complete' ? 'Complete' : 'Running';
  return `<header><h1>Orchestration ${esc(r.orchestration_id)}</h1>
<p class="meta">Tracks <code>${esc(r.tracks_file)}</code> · base <code>${esc(r.base_sha.slice(0, 12))}</code> · ${esc(seconds(r.total_duration_ms))} · ${r.counts.complete}/${r.tasks.length} tasks complete · ${esc(usd(r.usage.cost_usd))}</p>
<section class="outcome ${esc(r.status)}" aria-labelledby="outcome-h"><h2 id="outcome-h">Outcome</h2>
<p><strong id="stop-reason">${esc(state)}</strong>.${d.explanation ? ` ${esc(d.explanation)}` : ''}</p>
${r.stop_detail ? `<p class="meta">${esc(r.stop_detail)}</p>` : ''}
<p class="next">Next: <code id="next-command">${esc(r.suggested_command)}</code></p></section></header>`;
}

function timeline(d: OrchHtmlData): string {
  const tracks = [...new Set(d.report.tasks.map((t) => t.track))];
  const rows: TimelineRow[] = tracks.map((track) => ({
    label: track,
    bars: d.report.tasks.filter((t) => t.track === track && t.started_at).map((t) => {
      const start = Date.parse(t.started_at!);
      const end = t.ended_at ? Date.parse(t.ended_at) : d.now;
      return { start, end, kind: 'task', color: STATUS_COLORS[t.status] ?? 'var(--OTHER)', label: t.task, title: `${t.key}: ${t.title} — ${t.status}${t.stop_reason ? ` (${t.stop_reason})` : ''}, ${seconds(end - start)}` };
    }),
  }));
  return `<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>${timelineSvg('Tasks per track', rows)}
${legend(Object.entries(STATUS_COLORS).map(([label, color]) => ({ label, color })))}</section>`;
}

function tasks(d: OrchHtmlData): string {
  const rows = d.report.tasks.map((t) => [
    { html: `<code>${esc(t.key)}</code><br>${esc(t.title)}` },
    t.status + (t.status === 'stopped' && t.stop_reason ? `: ${t.stop_reason}` : '') + (t.skipped_because ? `: ${t.skipped_because}` : ''),
    t.run_id ?? '—', t.branch ?? '—',
    { html: t.checkpoints.map((c) => `${esc(c.milestone)} <code>${esc(c.sha.slice(0, 12))}</code>`).join('<br>') || '—' },
    seconds(t.duration_ms), t.usage ? usd(t.usage.cost_usd) : '—', t.next_command ?? '',
  ]);
  return `<section aria-labelledby="tasks-h"><h2 id="tasks-h">Tasks</h2>${table('Each task', ['task', 'outcome', 'run', 'branch', 'checkpoints', 'time', 'cost', 'next'], rows)}</section>`;
}

function waits(d: OrchHtmlData): string {
  const rows = d.report.tasks.flatMap((t) => t.waits.map((w) => [t.key, w.reason, w.since, w.until ?? '—', w.detail]));
  const body = rows.length ? table('Waits of the tasks', ['task', 'reason', 'since', 'until', 'detail'], rows) : '<p>No task waited.</p>';
  return `<section aria-labelledby="waits-h"><h2 id="waits-h">Waits</h2>${body}</section>`;
}

function integration(d: OrchHtmlData): string {
  const i = d.report.integration;
  const merged = i.merged.length ? `<ul>${i.merged.map((k) => `<li><code>${esc(k)}</code></li>`).join('')}</ul>` : '<p>Nothing merged yet.</p>';
  const conflicts = i.conflicts.length
    ? table('Conflicts', ['task', 'run', 'files', 'fix run', 'resolved'], i.conflicts.map((c) => [c.key, c.run_id, c.files.join(', '), c.fix_run_id ?? '—', c.resolved ? 'yes' : 'no']))
    : '<p>No conflict.</p>';
  const v = i.verification;
  const verification = !v ? '<p>Not verified yet.</p>'
    : `<p>Verification of <code>${esc(v.sha.slice(0, 12))}</code>: <span class="${v.ok ? 'ok' : 'bad'}">${v.ok ? 'passed' : 'failed'}</span>${v.failed_command ? ` — <code class="failed-command">${esc(v.failed_command)}</code>` : ''}</p>${v.excerpt ? `<pre>${esc(v.excerpt)}</pre>` : ''}`;
  return `<section aria-labelledby="integration-h"><h2 id="integration-h">Integration</h2>
<p>Branch <code>${esc(i.branch)}</code>: ${esc(i.status)}${i.sha ? ` at <code>${esc(i.sha.slice(0, 12))}</code>` : ''}</p>
<h3>Merged</h3>${merged}<h3>Conflicts</h3>${conflicts}<h3>Verification</h3>${verification}</section>`;
}

const usageRow = (name: string, u: UsageTotals) => [name, u.calls, u.input_tokens, u.output_tokens, usd(u.cost_usd) + (u.unpriced_calls ? ` (+${u.unpriced_calls} unpriced)` : '')];

const USAGE_HEAD = ['', 'calls', 'input tokens', 'output tokens', 'cost'];

function usage(d: OrchHtmlData): string {
  const total = usageRow('total (with fix runs)', d.report.usage);
  const perTask = table('Usage per task', USAGE_HEAD, [...d.report.tasks.filter((t) => t.usage).map((t) => usageRow(t.key, t.usage!)), total]);
  const phases = Object.entries(d.runsUsage.byPhase);
  const perPhase = phases.length ? table('Usage per phase', USAGE_HEAD, [...phases.map(([p, u]) => usageRow(p, u)), total]) : '';
  const perWorker = d.runsUsage.byWorker.length ? table('Usage per worker', USAGE_HEAD, d.runsUsage.byWorker.map((w) => usageRow(w.name, w.usage))) : '';
  return `<section aria-labelledby="usage-h"><h2 id="usage-h">Usage and cost</h2>${perTask}${perPhase}${perWorker}</section>`;
}

/** The orchestration's HTML report: one self-contained page (everything escaped; the caller redacts). */
export function orchReportPage(d: OrchHtmlData): string {
  return page(`runr orchestration ${d.report.orchestration_id}`, [header(d), timeline(d), tasks(d), waits(d), integration(d), usage(d)].join('\n'));
}
