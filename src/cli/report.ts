import { EXIT } from '../contracts/exit-codes.js';
import { buildReport } from '../engine/report.js';
import { liveness } from '../store/lease.js';
import { resolveRunArg } from './context.js';
import { requireRunState } from '../engine/run-state.js';
import { renderKpis, renderReport } from './render/human.js';
import { createOutput } from './render/output.js';

interface ReportFlags { repo: string; kpiOnly?: boolean; json?: boolean }

export default async function report(runIdArg: string, flags: ReportFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const { runDir, runId } = await resolveRunArg(flags.repo, runIdArg);
  const state = await requireRunState(runDir, runId);
  const r = buildReport(state, liveness(runDir), new Date().toISOString());
  if (out.json) out.data(r);
  else if (flags.kpiOnly) renderKpis(out, r);
  else renderReport(out, r);
  return EXIT.ok;
}
