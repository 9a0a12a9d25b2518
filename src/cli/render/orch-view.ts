import type { OrchReportOutput, OrchStatusOutput } from '../../contracts/orchestration-outputs.js';
import type { Output } from './output.js';
import { mark, meaningOfStatus, meaningOfStop } from './symbols.js';

const secs = (ms: number | null) => (ms === null ? '' : ` ${Math.round(ms / 1000)} s`);

/** One task as a line: its mark, key, state (and why it waits or stopped) and its run. */
export function taskLine(out: Output, t: OrchStatusOutput['tasks'][number]): string {
  const c = out.colors;
  const what = t.status === 'waiting' && t.waiting ? `waiting (${t.waiting.reason}): ${t.waiting.detail}`
    : t.status === 'stopped' ? `stopped: ${t.stop_reason}` : t.status === 'skipped' ? `skipped: ${t.skipped_because}` : t.status;
  return `  ${mark(c, t.status === 'stopped' ? meaningOfStop(t.stop_reason) : meaningOfStatus(t.status))} ${t.key.padEnd(28)} ${what}${t.run_id ? c.dim(`  run ${t.run_id}`) : ''}`;
}

/** `orchestrate status --human`. */
export function renderOrchStatus(out: Output, s: OrchStatusOutput): void {
  const state = s.stale ? 'stale (nobody executes it)' : s.status === 'stopped' ? `stopped: ${s.stop_reason}` : s.status;
  out.say(out.colors.bold(`Orchestration ${s.orchestration_id}: ${state}`) + out.colors.dim(`  ${s.tracks_file}`));
  for (const t of s.tasks) out.say(taskLine(out, t));
  out.say(`  Integration ${s.integration.branch}: ${s.integration.status}`);
  if (s.stop_detail) out.say(s.stop_detail);
  out.say(`Next: ${s.suggested_command}`);
}

/** `orchestrate report` without --json. */
export function renderOrchReport(out: Output, r: OrchReportOutput): void {
  const c = out.colors;
  out.say(c.bold(`Orchestration ${r.orchestration_id}: ${r.status === 'stopped' ? `stopped: ${r.stop_reason}` : r.status}`) + c.dim(`  ${Math.round(r.total_duration_ms / 1000)} s, $${r.usage.cost_usd.toFixed(2)}`));
  for (const t of r.tasks) {
    out.say(`${taskLine(out, t)}${c.dim(secs(t.duration_ms))}`);
    for (const cp of t.checkpoints) out.say(c.dim(`      ${cp.sha.slice(0, 12)} ${cp.milestone}: ${cp.goal}`));
    if (t.next_command) out.say(`      next: ${t.next_command}`);
  }
  const i = r.integration;
  out.say(`Integration ${i.branch}: ${i.status}${i.sha ? ` at ${i.sha.slice(0, 12)}` : ''} (merged: ${i.merged.join(', ') || 'nothing'})`);
  for (const c of i.conflicts) out.say(`  conflict merging ${c.key}: ${c.files.join(', ')}, ${c.resolved ? 'resolved' : 'not resolved'}${c.fix_run_id ? ` (fix run ${c.fix_run_id})` : ''}`);
  if (i.verification && !i.verification.ok) out.say(`  verification failed: ${i.verification.failed_command}`);
  if (r.stop_detail) out.say(r.stop_detail);
  out.say(`Next: ${r.suggested_command}`);
}
