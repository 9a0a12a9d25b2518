import path from 'node:path';
import type { RunState } from '../contracts/state.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { RUN_FILES } from '../store/paths.js';
import { buildReport } from './report.js';
import { writeSummary } from './summary-file.js';

/** report.json and summary.md, written when the run reaches a terminal state. */
export async function writeReport(state: RunState): Promise<void> {
  if (state.phase !== 'STOPPED') return;
  writeJsonAtomic(path.join(state.run_dir, RUN_FILES.report), buildReport(state, { pid: null, alive: false }, new Date().toISOString()));
  await writeSummary(state);
}
