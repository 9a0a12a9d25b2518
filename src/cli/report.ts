import { RunrError } from '../engine/errors.js';
import { EXIT } from '../engine/exit-codes.js';
import { buildReport } from '../engine/report.js';
import { loadState } from '../store/load-state.js';
import { liveness } from '../store/lease.js';
import { resolveRunArg } from './context.js';
import { renderKpis, renderReport } from './render/human.js';
import { createOutput } from './render/output.js';

interface ReportFlags { repo: string; kpiOnly?: boolean; json?: boolean }

export default async function report(runIdArg: string, flags: ReportFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const { runDir, runId } = await resolveRunArg(flags.repo, runIdArg);
  const state = await loadState(runDir);
  if (!state) throw new RunrError('run_not_found', `Run not found: ${runId} has no journal (it never started)`, EXIT.notFound);
  const r = buildReport(state, liveness(runDir), new Date().toISOString());
  if (out.json) out.data(r);
  else if (flags.kpiOnly) renderKpis(out, r);
  else renderReport(out, r);
  return EXIT.ok;
}
