import fs from 'node:fs';
import path from 'node:path';
import { STOP_REASONS } from '../contracts/stop-reasons.js';
import { requireRunState } from '../engine/run-state.js';
import { orchReportPage } from '../report-html/orch-page.js';
import { orchRunsUsage } from '../report-html/orch-usage.js';
import { gatherRunHtml } from '../report-html/run-gather.js';
import { runReportPage } from '../report-html/run-page.js';
import { writeTextAtomic } from '../store/atomic.js';
import { liveness } from '../store/lease.js';
import { redact } from '../util/secrets.js';
import { resolveRepo, resolveRunArg } from './locate.js';
import { orchestrationReport } from './orchestrations.js';

/** A run's HTML report (`runr report <id> --html`): one self-contained page, redacted. */
export async function runReportHtml(repo: string, runId: string): Promise<string> {
  const found = await resolveRunArg(repo, runId);
  const state = await requireRunState(found.runDir, found.runId);
  return redact(runReportPage(await gatherRunHtml(state, liveness(found.runDir))));
}

/** An orchestration's HTML report (`runr orchestrate report <id> --html`): one self-contained page, redacted. */
export async function orchestrationReportHtml(repo: string, orchId: string): Promise<string> {
  return (await orchestrationHtml(repo, orchId)).html;
}

async function orchestrationHtml(repo: string, orchId: string): Promise<{ html: string; orchDir: string }> {
  const report = await orchestrationReport(repo, orchId);
  const explanation = report.stop_reason ? STOP_REASONS[report.stop_reason].explanation : null;
  const runsUsage = await orchRunsUsage(await resolveRepo(repo), report);
  return { html: redact(orchReportPage({ report, explanation, now: Date.now(), runsUsage })), orchDir: report.orch_dir };
}

/** Writes a run's HTML report to `out` (default `<run_dir>/report.html`); returns the path written. */
export async function writeRunReportHtml(repo: string, runId: string, out?: string): Promise<string> {
  const file = out ? path.resolve(out) : path.join((await resolveRunArg(repo, runId)).runDir, 'report.html');
  return writeHtml(file, await runReportHtml(repo, runId));
}

/** Writes an orchestration's HTML report to `out` (default `<orch_dir>/report.html`); returns the path written. */
export async function writeOrchestrationReportHtml(repo: string, orchId: string, out?: string): Promise<string> {
  const { html, orchDir } = await orchestrationHtml(repo, orchId);
  const file = out ? path.resolve(out) : path.join(orchDir, 'report.html');
  return writeHtml(file, html);
}

function writeHtml(file: string, html: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeTextAtomic(file, html);
  return file;
}
