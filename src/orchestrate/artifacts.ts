import path from 'node:path';
import type { OrchState } from '../contracts/orchestration.js';
import { writeJsonAtomic, writeTextAtomic } from '../store/atomic.js';
import { ORCH_FILES } from '../store/paths.js';
import { buildOrchReport } from './orch-report.js';
import { orchSummaryMarkdown } from './summary.js';

/** At every end: report.json (as `orchestrate report --json` prints it) and summary.md. */
export async function writeOrchArtifacts(state: OrchState, orchDir: string): Promise<void> {
  const report = await buildOrchReport(state, orchDir, { pid: null, alive: false });
  writeJsonAtomic(path.join(orchDir, ORCH_FILES.report), report);
  writeTextAtomic(path.join(orchDir, ORCH_FILES.summary), orchSummaryMarkdown(report));
}
