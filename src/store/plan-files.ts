import path from 'node:path';
import type { RunState } from '../contracts/state.js';
import { writeJsonAtomic, writeTextAtomic } from './atomic.js';
import { RUN_FILES } from './paths.js';

/** The plan's content (not the milestones' progress), to write plan files only when it changes. */
export function planOf(state: RunState): string {
  return JSON.stringify(state.milestones.map(({ id, goal, files_expected, done_checks }) => ({ id, goal, files_expected, done_checks })));
}

export function writePlanFiles(runDir: string, state: RunState): void {
  const milestones = state.milestones.map(({ id, goal, files_expected, done_checks }) => ({ id, goal, files_expected, done_checks }));
  writeJsonAtomic(path.join(runDir, RUN_FILES.planJson), { run_id: state.run_id, milestones });
  const md = [`# Plan for run ${state.run_id}`, '', `Task: ${state.task.title}`, ''];
  for (const m of milestones) {
    md.push(`## ${m.id}: ${m.goal}`);
    if (m.files_expected.length) md.push('', 'Files expected:', ...m.files_expected.map((f) => `- ${f}`));
    if (m.done_checks.length) md.push('', 'Done when:', ...m.done_checks.map((c) => `- ${c}`));
    md.push('');
  }
  writeTextAtomic(path.join(runDir, RUN_FILES.planMd), md.join('\n'));
}

