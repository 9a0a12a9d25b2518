import { runReport, runSummary } from '../api/report.js';
import { usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import type { HtmlReportOutput } from '../contracts/outputs.js';
import { createOutput } from './render/output.js';

interface ReportFlags { repo: string; kpiOnly?: boolean; json?: boolean; md?: boolean; html?: boolean; out?: string }

export default async function report(runIdArg: string, flags: ReportFlags): Promise<number> {
  if (flags.md) {
    process.stdout.write(await runSummary(flags.repo, runIdArg));
    return EXIT.ok;
  }
  const out = createOutput(Boolean(flags.json));
  if (flags.out && !flags.html) throw usageError('out_without_html', '--out names where --html writes the report: add --html');
  if (flags.html) {
    const { writeRunReportHtml } = await import('../api/html-report.js');
    const file = await writeRunReportHtml(flags.repo, runIdArg, flags.out);
    if (out.json) out.data({ html: file } satisfies HtmlReportOutput);
    else out.say(file);
    return EXIT.ok;
  }
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
