import path from 'node:path';
import type { RunState } from '../contracts/state.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { RUN_FILES } from '../store/paths.js';
import { buildReport } from './report.js';

/** report.json, written when the run reaches a terminal state. */
export function writeReport(state: RunState): void {
  if (state.phase !== 'STOPPED') return;
  writeJsonAtomic(path.join(state.run_dir, RUN_FILES.report), buildReport(state, { pid: null, alive: false }, new Date().toISOString()));
}
