import type { OrchReportOutput } from '../contracts/orchestration-outputs.js';
import { cell, cost, seconds } from '../util/markdown.js';

/** summary.md: the orchestration's final artifact, written to paste as a pull request's description. */
export function orchSummaryMarkdown(r: OrchReportOutput): string {
  const lines: string[] = [];
  const verdict = r.status === 'complete' ? 'complete' : `stopped: ${r.stop_reason}`;
  lines.push(`# Orchestration ${r.orchestration_id} (${verdict})`, '');
  lines.push(`Tracks file: \`${r.tracks_file}\` · ${r.tasks.length} tasks · ${seconds(r.total_duration_ms)} · integration branch \`${r.integration.branch}\``, '');
  if (r.stop_detail) lines.push(`> ${r.stop_detail}`, '');
  lines.push('## Tasks', '', '| task | outcome | run | checkpoints | time | cost |', '|---|---|---|---|---|---|');
  for (const t of r.tasks) {
    const outcome = t.status === 'skipped' ? `skipped (${cell(t.skipped_because ?? '')})` : t.status === 'stopped' ? `stopped: ${t.stop_reason}` : t.status;
    lines.push(`| ${t.key}: ${cell(t.title)} | ${outcome} | ${t.run_id ? `\`${t.branch}\`` : '–'} | ${t.checkpoints.map((c) => `\`${c.sha.slice(0, 10)}\``).join(' ') || '–'} | ${seconds(t.duration_ms)} | ${t.usage ? cost(t.usage.cost_usd) : '–'} |`);
  }
  lines.push('', '## What changed', '');
  for (const t of r.tasks.filter((x) => x.checkpoints.length)) {
    lines.push(`- **${t.key}**`);
    for (const c of t.checkpoints) lines.push(`  - ${c.milestone}: ${c.goal} (\`${c.sha.slice(0, 10)}\`)`);
  }
  const waits = r.tasks.flatMap((t) => t.waits.map((w) => `- ${t.key} waited (${w.reason}): ${w.detail}`));
  if (waits.length) lines.push('', '## Waits', '', ...waits);
  lines.push('', '## Integration', '');
  const i = r.integration;
  lines.push(`- Status: ${i.status}${i.sha ? ` at \`${i.sha.slice(0, 12)}\`` : ''}; merged: ${i.merged.join(', ') || 'nothing'}`);
  for (const c of i.conflicts) lines.push(`- Conflict merging ${c.key} in ${c.files.join(', ')}: ${c.resolved ? 'resolved' : 'not resolved'}${c.fix_run_id ? ` (fix run ${c.fix_run_id})` : ''}`);
  if (i.verification) lines.push(`- Verification: ${i.verification.ok ? 'passed' : `failed (${i.verification.failed_command})`}`);
  lines.push('', '## Usage', '', `${r.usage.input_tokens} input tokens, ${r.usage.output_tokens} output tokens, ${cost(r.usage.cost_usd)}${r.usage.unpriced_calls ? ` (${r.usage.unpriced_calls} calls without a reported cost)` : ''}.`);
  lines.push('', '## Next', '', `\`${r.suggested_command}\``, '');
  return lines.join('\n');
}
