import type { UsageTotals } from '../../contracts/state.js';
import type { ReportOutput, StatusOutput } from '../../contracts/outputs.js';
import type { SandboxDecision } from '../../contracts/sandbox.js';
import type { Output } from './output.js';
import { plural } from './plural.js';
import { mark, marked, meaningOfState, meaningOfStatus, meaningOfStop, paint } from './symbols.js';

const secs = (ms: number) => (ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);

/** The closing lines of every stop: the reason in words and the exact next command. */
export function stopSummary(out: Output, r: ReportOutput): void {
  const c = out.colors;
  if (r.outcome === 'complete') {
    const empty = r.milestone_list.filter((m) => m.empty).length;
    out.say(marked(c, 'ok', `Run ${r.run_id} complete: ${r.milestones.completed}/${r.milestones.total} ${plural(r.milestones.total, 'milestone')} verified and checkpointed on ${r.branch}`)
      + (empty ? paint(c, 'warning', ` (${empty} of them changed no file: no commit)`) : ''));
  } else if (r.outcome === 'stopped') {
    out.say(marked(c, meaningOfStop(r.stop_reason), `Run ${r.run_id} stopped: ${r.stop_reason}`) + c.dim(` (${r.milestones.completed}/${r.milestones.total} ${plural(r.milestones.total, 'milestone')} checkpointed)`));
    out.say(`  ${r.explanation}`);
    if (r.stop_detail) out.say(`  ${r.stop_detail.split('\n')[0]}`);
    if (r.guard_violation_files?.length) out.say(`  Blocked files: ${r.guard_violation_files.join(', ')}`);
  } else {
    out.say(r.stale ? marked(c, 'warning', `Run ${r.run_id} is not executing (stale) in ${r.phase}`) : marked(c, 'running', `Run ${r.run_id} is running in ${r.phase}`));
  }
  out.say(`  Next: ${c.bold(r.suggested_command)}`);
}

export function renderStatus(out: Output, s: StatusOutput): void {
  const c = out.colors;
  const state = s.stop_reason ? `${s.phase} (${s.stop_reason})` : s.stale ? `${s.phase} (stale: nobody is executing it)` : s.phase;
  out.say(`${mark(c, meaningOfState(s))} ${c.bold(`Run ${s.run_id}`)}  ${state}`);
  out.say(`  task: ${s.task}`);
  out.say(`  branch: ${s.branch}   worktree: ${s.worktree_path}`);
  for (const m of s.milestones) {
    out.say(`  ${mark(c, meaningOfStatus(m.status))} ${m.id} ${m.goal}${m.checkpoint_sha ? c.dim(` ${m.checkpoint_sha.slice(0, 8)}`) : ''}`);
  }
  if (s.verification_failures) out.say(`  verification failures (this milestone): ${s.verification_failures}`);
  if (s.waiting) out.say(`  waiting: ${s.waiting.reason}${s.waiting.retry_at ? ` until ${s.waiting.retry_at}` : ''}`);
  if (s.guard_violation_files) out.say(`  blocked files: ${s.guard_violation_files.join(', ')}`);
  if (s.usage.total.calls) out.say(`  usage: ${usageLine(s.usage.total)}`);
  saySandbox(out, s.sandbox);
  if (s.stop_detail) out.say(`  ${s.stop_detail.split('\n')[0]}`);
  out.say(`  next: ${c.bold(s.suggested_command)}`);
}

export function renderKpis(out: Output, r: ReportOutput): void {
  out.say(`Run ${r.run_id} — ${r.task}`);
  out.say(`  outcome: ${r.outcome}${r.stop_reason ? ` (${r.stop_reason})` : ''}   duration: ${secs(r.total_duration_ms)}   milestones: ${r.milestones.completed}/${r.milestones.total}`);
  const phases = Object.entries(r.phases).filter(([, p]) => p.count > 0).map(([name, p]) => `${name} ${secs(p.duration_ms)} ×${p.count}`);
  out.say(`  phases: ${phases.join(', ') || 'none yet'}`);
  out.say(`  verify: ${r.verify.attempts} attempts, ${r.verify.retries} retries, ${secs(r.verify.total_duration_ms)}`);
  renderUsage(out, r.usage);
}

/** Whether workers ran confined: one line, in yellow when the sandbox was wanted but missing. */
function saySandbox(out: Output, d: SandboxDecision | null): void {
  if (!d) return;
  const open = Object.entries(d.workers).filter(([, confined]) => !confined).map(([role]) => role);
  if (d.active) out.say(`  sandbox: active — ${d.reason}${open.length ? `; unconfined: ${open.join(', ')}` : ''}`);
  else if (d.mode === 'off') out.say(`  sandbox: off — ${d.reason}`);
  else out.say(paint(out.colors, 'warning', `  sandbox: not active — ${d.reason}`));
}

function usageLine(u: UsageTotals): string {
  const cost = u.unpriced_calls === u.calls ? 'cost unknown' : `$${u.cost_usd.toFixed(4)}${u.unpriced_calls ? ` + unknown for ${u.unpriced_calls}` : ''}`;
  return `${u.input_tokens} in + ${u.output_tokens} out tokens, ${cost}, ${u.calls} call${u.calls === 1 ? '' : 's'}`;
}

function renderUsage(out: Output, usage: ReportOutput['usage']): void {
  if (!usage.total.calls) return;
  out.say(`  usage: ${usageLine(usage.total)}`);
  for (const [phase, u] of Object.entries(usage.by_phase)) out.say(`    ${phase}: ${usageLine(u)}`);
  for (const [milestone, u] of Object.entries(usage.by_milestone)) out.say(`    ${milestone}: ${usageLine(u)}`);
  if (usage.total.unpriced_calls) {
    out.say(out.colors.dim('  (a worker reported tokens but no cost: set "price" on that worker in the config to count it; see docs/workers.md)'));
  }
}

export function renderReport(out: Output, r: ReportOutput): void {
  const c = out.colors;
  renderKpis(out, r);
  out.say(`  branch: ${r.branch}   checkpoint: ${r.checkpoint_sha?.slice(0, 12) ?? 'none'}   worktree: ${r.worktree_path}`);
  out.say('');
  for (const m of r.milestone_list) {
    out.say(`  ${mark(c, meaningOfStatus(m.status))} ${m.id} ${m.goal}${m.checkpoint_sha ? c.dim(` ${m.checkpoint_sha.slice(0, 8)}`) : ''}`);
    if (m.empty) out.say(paint(c, 'warning', `      empty: no file changed, no commit (${m.no_change_reason ?? 'no reason given'})`));
    for (const f of m.action_failures) out.say(c.dim(`      failed action, ${f}`));
  }
  const f = r.verification_failure;
  if (f) {
    out.say('');
    out.say(paint(c, 'failed', `Verification failure: ${f.command} (${f.tier}) ${f.timed_out ? 'timed out' : `exited with ${f.exit_code}`}`));
    out.say(f.excerpt.split('\n').map((l) => `  | ${l}`).join('\n'));
    out.say(c.dim(`  full output: ${f.log_path}`));
  }
  if (r.stop_reason === 'repeated_failure' && r.failure_signature) {
    out.say('');
    out.say(paint(c, 'failed', `The same failure, again and again: ${r.failure_signature}`));
  }
  if (r.guard_violation_files?.length) {
    out.say('');
    out.say(paint(c, 'failed', `guard_violation: blocked changes to ${r.guard_violation_files.join(', ')}`));
  }
  saySandbox(out, r.sandbox);
  if (r.last_worker_log) out.say(c.dim(`  last worker transcript: ${r.last_worker_log}`));
  if (r.wip_ref) out.say(c.dim(`  uncommitted work saved as ${r.wip_ref} (resume restores it)`));
  out.say('');
  stopSummary(out, r);
}
