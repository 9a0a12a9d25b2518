import type { ReportOutput } from '../contracts/outputs.js';
import type { FileChange } from '../git/checkpoint-files.js';
import { cell, cost, seconds } from '../util/markdown.js';
import type { MilestoneEvidence, VerifyAttempt } from './run-evidence.js';

/** A milestone as the summary shows it: the report's entry, the files its checkpoint changed, its evidence. */
export interface SummaryMilestone {
  id: string;
  goal: string;
  status: string;
  checkpoint_sha: string | null;
  empty: boolean;
  no_change_reason: string | null;
  /** null: no commit of its own, or git could not list them. */
  files: FileChange[] | null;
  evidence: MilestoneEvidence;
}

export interface RunSummaryInput {
  report: ReportOutput;
  /** The state's stop reason (the report's is null for a complete run). */
  stop_reason: string | null;
  /** Terminal: stopped and cleaned up. Otherwise the summary is the summary so far. */
  terminal: boolean;
  /** The task's goal (as the run's state keeps it). */
  goal: string;
  /** The task's Success Criteria section (from the run's task.md), empty when it has none. */
  success_criteria: string;
  milestones: SummaryMilestone[];
}

const sha = (s: string) => `\`${s.slice(0, 12)}\``;

function verifyLine(v: VerifyAttempt, index: number): string {
  const commands = v.commands.map((c) => {
    const result = c.timed_out ? 'timed out' : c.exit_code === 0 ? 'passed' : `failed (exit ${c.exit_code ?? 'none'})`;
    return `\`${c.command}\` ${result} in ${seconds(c.duration_ms)}`;
  });
  return `  - attempt ${index + 1}: ${v.ok ? 'passed' : 'failed'}${commands.length ? ` — ${commands.join('; ')}` : ''}`;
}

function milestoneSection(m: SummaryMilestone): string[] {
  const lines = [`### ${m.id}: ${m.goal}`, ''];
  const commit = m.empty ? `no commit (no file changed${m.no_change_reason ? `: ${m.no_change_reason}` : ''})` : m.checkpoint_sha ? `commit ${sha(m.checkpoint_sha)}` : 'no commit yet';
  lines.push(`- Status: ${m.status}; ${commit}`);
  if (m.files?.length) {
    lines.push('- Files:');
    for (const f of m.files) lines.push(`  - ${f.status} \`${f.path}\``);
  } else if (m.checkpoint_sha && !m.empty) {
    lines.push(`- Files: ${m.files ? 'none' : 'unavailable (the commit is no longer in the repository)'}`);
  }
  const { verify, reviews } = m.evidence;
  if (verify.length) {
    lines.push(`- Verification: ${verify.length} attempt${verify.length === 1 ? '' : 's'}`, ...verify.map((v, i) => verifyLine(v, i)));
  }
  if (reviews.length) {
    lines.push(`- Review: ${reviews.length} round${reviews.length === 1 ? '' : 's'}`);
    reviews.forEach((r, i) => {
      lines.push(`  - round ${i + 1}: ${r.verdict}`);
      for (const c of r.comments) lines.push(`    - ${c}`);
    });
  }
  lines.push('');
  return lines;
}

function usageSection(r: ReportOutput): string[] {
  const lines = ['## Usage', '', '| phase | calls | input tokens | output tokens | cost |', '|---|---|---|---|---|'];
  const row = (name: string, u: ReportOutput['usage']['total']) =>
    `| ${cell(name)} | ${u.calls} | ${u.input_tokens} | ${u.output_tokens} | ${cost(u.cost_usd)}${u.unpriced_calls ? ` (+${u.unpriced_calls} unpriced)` : ''} |`;
  for (const [phase, u] of Object.entries(r.usage.by_phase)) lines.push(row(phase, u));
  lines.push(row('**total**', r.usage.total), '');
  return lines;
}

function outcomeLine(input: RunSummaryInput): string {
  const r = input.report;
  if (!input.terminal) return `Not finished yet (${r.phase}). ${r.explanation}`;
  if (r.outcome === 'complete') return `Complete. ${r.explanation}`;
  return `Stopped (${input.stop_reason ?? 'unknown'}). ${r.explanation}`;
}

/** summary.md: a run's final artifact, written to paste as a pull request's description. */
export function runSummaryMarkdown(input: RunSummaryInput): string {
  const r = input.report;
  const lines: string[] = [];
  if (!input.terminal) lines.push(`> The run is not finished (${r.phase}): this is its summary so far.`, '');
  lines.push(`# ${r.task}`, '');
  lines.push(`Run \`${r.run_id}\` · branch \`${r.branch}\` from ${sha(r.base_sha)} · ${r.milestones.completed}/${r.milestones.total} milestones · ${seconds(r.total_duration_ms)}`, '');
  lines.push('## Objective', '', input.goal.trim(), '');
  if (input.success_criteria.trim()) lines.push('### Success criteria', '', input.success_criteria.trim(), '');
  lines.push('## What changed', '');
  if (!input.milestones.length) lines.push('No milestone was planned.', '');
  for (const m of input.milestones) lines.push(...milestoneSection(m));
  const v = r.verify;
  lines.push('## Evidence', '', `- Verification: ${v.attempts} attempt${v.attempts === 1 ? '' : 's'}, ${v.retries} retr${v.retries === 1 ? 'y' : 'ies'}, ${seconds(v.total_duration_ms)} in total`);
  const rounds = input.milestones.reduce((n, m) => n + m.evidence.reviews.length, 0);
  lines.push(`- Review: ${rounds} round${rounds === 1 ? '' : 's'}`, '');
  lines.push(...usageSection(r));
  lines.push('## Outcome', '', outcomeLine(input), '');
  if (r.stop_detail) lines.push(`> ${r.stop_detail.split('\n').join('\n> ')}`, '');
  lines.push('## Next', '', '```sh', r.suggested_command, '```', '');
  return lines.join('\n');
}

