import { runReport, runSummary } from '../api/report.js';
import { EXIT } from '../contracts/exit-codes.js';
import { htmlReportFlag } from './html-flag.js';
import { createOutput } from './render/output.js';

interface ReportFlags { repo: string; kpiOnly?: boolean; json?: boolean; md?: boolean; html?: boolean; out?: string }

export default async function report(runIdArg: string, flags: ReportFlags): Promise<number> {
  if (flags.md) {
    process.stdout.write(await runSummary(flags.repo, runIdArg));
    return EXIT.ok;
  }
  const out = createOutput(Boolean(flags.json));
  const html = await htmlReportFlag(out, flags, async (file) => (await import('../api/html-report.js')).writeRunReportHtml(flags.repo, runIdArg, file));
  if (html !== null) return html;
  const r = await runReport(flags.repo, runIdArg);
  if (out.json) out.data(r);
  else {
    // Loaded for people only: `--json` starts sooner without it.
    const { renderKpis, renderReport } = await import('./render/human.js');
    if (flags.kpiOnly) renderKpis(out, r);
    else renderReport(out, r);
  }
  return EXIT.ok;
}
