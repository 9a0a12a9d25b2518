import fs from 'node:fs';
import path from 'node:path';
import type { RunState } from '../contracts/state.js';
import { checkpointFilesOfMany } from '../git/checkpoint-files.js';
import { writeTextAtomic } from '../store/atomic.js';
import { RUN_FILES } from '../store/paths.js';
import { redact } from '../util/secrets.js';
import { isTerminal, type Liveness } from './describe.js';
import { buildReport } from './report.js';
import { readRunEvidence } from './run-evidence.js';
import { runSummaryMarkdown, type SummaryMilestone } from './run-summary.js';

export const summaryPath = (runDir: string) => path.join(runDir, RUN_FILES.summary);

/** The `## Success Criteria` section of a task file's text (empty when it has none). */
export function successCriteriaOf(taskText: string): string {
  const text = taskText.replace(/\r\n/g, '\n');
  const m = /^##[ \t]+success criteria[ \t]*\n([\s\S]*?)(?=^##?[ \t]|(?![\s\S]))/im.exec(text);
  return m ? m[1]!.trim() : '';
}

function successCriteria(state: RunState): string {
  if (state.task.success_criteria !== undefined) return state.task.success_criteria;
  try {
    return successCriteriaOf(fs.readFileSync(path.join(state.run_dir, RUN_FILES.task), 'utf8'));
  } catch {
    return '';
  }
}

/** A run's summary.md text: its report, its journal's evidence and each checkpoint's files (one git command for all), redacted. */
export async function runSummaryText(state: RunState, live: Liveness): Promise<string> {
  const report = buildReport(state, live, new Date().toISOString());
  const evidence = readRunEvidence(state.run_dir);
  const ownCommit = (m: (typeof report.milestone_list)[number]) => (m.checkpoint_sha !== null && !m.empty ? m.checkpoint_sha : null);
  const files = await checkpointFilesOfMany(state.repo_root, report.milestone_list.flatMap((m) => ownCommit(m) ?? []));
  const milestones: SummaryMilestone[] = report.milestone_list.map((m, i) => ({
    ...m,
    files: files.get(ownCommit(m) ?? '') ?? null,
    evidence: evidence.get(i) ?? { verify: [], reviews: [] },
  }));
  return redact(runSummaryMarkdown({
    report, stop_reason: state.stop_reason, terminal: isTerminal(state), goal: state.task.goal, success_criteria: successCriteria(state), milestones,
  }));
}

/** summary.md, next to report.json, when the run reaches a terminal state. */
export async function writeSummary(state: RunState): Promise<void> {
  if (!isTerminal(state)) return;
  writeTextAtomic(summaryPath(state.run_dir), await runSummaryText(state, { pid: null, alive: false }));
}

/** The summary of a terminal run from its summary.md (written first if missing); of any other run, the summary so far. */
export async function readOrWriteSummary(state: RunState, live: Liveness): Promise<string> {
  if (!isTerminal(state)) return runSummaryText(state, live);
  const file = summaryPath(state.run_dir);
  if (!fs.existsSync(file)) await writeSummary(state);
  return fs.readFileSync(file, 'utf8');
}
