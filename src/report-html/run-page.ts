import { approvalsHtml } from './approvals.js';
import { esc, seconds, table, usd } from './escape.js';
import { legend, page } from './page.js';
import { replaySection } from './replay-section.js';
import type { RunHtmlData } from './run-model.js';
import { timelineSvg, type TimelineRow } from './timeline.js';
import { usageHtml } from './usage-section.js';

export const PHASE_COLORS = ['PLAN', 'IMPLEMENT', 'GUARD', 'VERIFY', 'REVIEW', 'CHECKPOINT'] as const;
const colorOf = (phase: string) => `var(--${(PHASE_COLORS as readonly string[]).includes(phase) ? phase : 'OTHER'})`;

function header(d: RunHtmlData): string {
  const r = d.report;
  const state = r.outcome === 'stopped' ? `Stopped: ${r.stop_reason}` : r.outcome === 'complete' ? 'Complete' : r.stale ? 'Not running (nobody executes it)' : 'Running';
  return `<header><h1>${esc(r.task)}</h1>
<p class="meta">Run <code>${esc(r.run_id)}</code> · branch <code>${esc(r.branch)}</code> · base <code>${esc(r.base_sha.slice(0, 12))}</code> · ${esc(seconds(r.total_duration_ms))} · ${esc(`${r.milestones.completed}/${r.milestones.total}`)} milestones · ${esc(usd(r.usage.total.cost_usd))}</p>
<section class="outcome ${esc(r.outcome)}" aria-labelledby="outcome-h"><h2 id="outcome-h">Outcome</h2>
<p><strong id="stop-reason">${esc(state)}</strong>. ${esc(r.explanation)}</p>
${r.stop_detail ? `<p class="meta">${esc(r.stop_detail)}</p>` : ''}
<p class="next">Next: <code id="next-command">${esc(r.suggested_command)}</code></p></section></header>`;
}

function timeline(d: RunHtmlData): string {
  const rowKeys = ['run', ...d.report.milestone_list.map((m) => m.id)];
  const rows: TimelineRow[] = rowKeys.map((key) => ({
    label: key === 'run' ? 'run (plan, waits)' : `${key}: ${d.report.milestone_list.find((m) => m.id === key)?.goal ?? ''}`,
    bars: d.spans.filter((s) => (s.milestone ?? 'run') === key && s.kind !== 'prepare_workspace' && s.kind !== 'finalize').map((s) => ({
      start: Date.parse(s.start), end: Date.parse(s.end), color: colorOf(s.phase), kind: s.kind, label: s.phase,
      title: `${s.phase}${s.milestone ? ` ${s.milestone}` : ''}${s.attempt ? ` attempt ${s.attempt}` : ''}: ${s.outcome}, ${seconds(Date.parse(s.end) - Date.parse(s.start))}`,
    })),
  }));
  return `<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>
${timelineSvg('Phases and worker calls per milestone', rows)}
${legend(PHASE_COLORS.map((p) => ({ label: p, color: colorOf(p) })))}</section>`;
}

function verification(d: RunHtmlData): string {
  if (!d.verify.length) return '<section aria-labelledby="verify-h"><h2 id="verify-h">Verification</h2><p>No verification ran.</p></section>';
  const attempts = d.verify.map((v) => {
    const commands = table(`${v.milestone} attempt ${v.attempt}: commands`, ['tier', 'command', 'exit', 'time'],
      v.commands.map((c) => [c.tier, { html: `<code>${esc(c.command)}</code>` }, c.timed_out ? 'timed out' : c.exit_code ?? '—', seconds(c.duration_ms)]));
    const failure = v.failure
      ? `<p>Failed: <code class="failed-command">${esc(v.failure.command)}</code> (${v.failure.timed_out ? 'timed out' : `exit ${esc(v.failure.exit_code)}`})</p><pre>${esc(v.failure.excerpt)}</pre>`
      : '';
    return `<details${v.ok ? '' : ' open'}><summary>${esc(v.milestone)} attempt ${v.attempt}: <span class="${v.ok ? 'ok' : 'bad'}">${v.ok ? 'passed' : 'failed'}</span></summary>${commands}${failure}</details>`;
  });
  return `<section aria-labelledby="verify-h"><h2 id="verify-h">Verification</h2>${attempts.join('\n')}</section>`;
}

function reviews(d: RunHtmlData): string {
  const body = d.reviews.length
    ? d.reviews.map((r) => `<h3>${esc(r.milestone)} round ${r.round}: ${esc(r.verdict)}</h3>${r.comments.length ? `<ul>${r.comments.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>` : '<p class="meta">No comments.</p>'}`).join('\n')
    : '<p>No review round.</p>';
  return `<section aria-labelledby="review-h"><h2 id="review-h">Review</h2>${body}${approvalsHtml(d.approvalGates, d.approvals)}</section>`;
}

function waits(d: RunHtmlData): string {
  const body = d.waits.length ? table('Waits', ['reason', 'since', 'until', 'detail'], d.waits.map((w) => [w.reason, w.since, w.until ?? '—', w.detail])) : '<p>The run never waited.</p>';
  return `<section aria-labelledby="waits-h"><h2 id="waits-h">Waits</h2>${body}</section>`;
}

function diffs(d: RunHtmlData): string {
  const body = d.diffs.length
    ? d.diffs.map((c) => `<details class="diff" data-milestone="${esc(c.milestone)}"><summary>${esc(c.milestone)}: ${esc(c.goal)} — <code>${esc(c.sha.slice(0, 12))}</code></summary><pre>${esc(c.text)}</pre>${c.truncated ? '<p class="meta">(cut: the report keeps about 200 KB of diffs)</p>' : ''}</details>`).join('\n')
    : '<p>No checkpoint yet.</p>';
  return `<section aria-labelledby="diffs-h"><h2 id="diffs-h">Checkpoints</h2>${body}</section>`;
}

/** The run's HTML report: one self-contained page (everything escaped; the caller redacts). */
export function runReportPage(d: RunHtmlData): string {
  return page(`runr report: ${d.report.task}`, [header(d), timeline(d), verification(d), reviews(d), waits(d), diffs(d), usageHtml(d), replaySection(d.replay)].join('\n'));
}
