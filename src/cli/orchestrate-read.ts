import { allOrchestrationStatuses, followOrchestration, orchestrationReport, orchestrationStatus, waitForOrchestration } from '../api/orchestrations.js';
import { usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { htmlReportFlag } from './html-flag.js';
import { orchCommand } from '../orchestrate/orch-status.js';
import { positiveNumber, SECONDS_FLAG_MAX } from './context.js';
import { createOutput } from './render/output.js';
import { mark, marked, meaningOfOrch } from './render/symbols.js';
import { orchEventLine } from './render/orch-lines.js';
import { renderOrchReport, renderOrchStatus } from './render/orch-view.js';
import { withCancellation } from './signals.js';

interface ReadFlags { repo: string; json?: boolean; human?: boolean; all?: boolean; timeout?: string; html?: boolean; out?: string }

/** `orchestrate status`: JSON by default (as `runr status`), --human for a readable view, --all for every orchestration. */
export async function status(idArg: string | undefined, flags: ReadFlags): Promise<number> {
  const human = Boolean(flags.human) && !flags.json;
  const out = createOutput(!human);
  if (flags.all) {
    const all = await allOrchestrationStatuses(flags.repo);
    if (!human) out.data({ orchestrations: all });
    else if (!all.length) out.say('No orchestrations yet. Start one with: runr orchestrate run --config tracks.yaml --worktree');
    else for (const s of all) out.say(`${mark(out.colors, meaningOfOrch(s))} ${s.orchestration_id}  ${(s.stop_reason ?? (s.stale ? 'stale' : s.status)).padEnd(28)} ${s.counts.complete}/${s.tasks.length}  ${s.tracks_file}`);
    return EXIT.ok;
  }
  if (!idArg) throw usageError('missing_orchestration_id', 'orchestrate status needs an orchestration id, "latest", or --all');
  const s = await orchestrationStatus(flags.repo, idArg);
  if (human) renderOrchStatus(out, s);
  else out.data(s);
  return EXIT.ok;
}

/** `orchestrate wait`: exit 0 complete, 1 stopped (or nobody executes it), 124 on --timeout. */
export async function wait(idArg: string, flags: ReadFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const timeout = positiveNumber('--timeout', flags.timeout, false, SECONDS_FLAG_MAX);
  const { output, exitCode } = await waitForOrchestration(flags.repo, idArg, { timeoutMs: timeout === undefined ? undefined : timeout * 1000 });
  const id = output.orchestration_id;
  const c = out.colors;
  if (out.json) out.data(output);
  else if (output.timed_out) out.say(marked(c, 'running', `Still running after ${timeout} s: orchestration ${id} (${output.tasks.complete}/${output.tasks.total} tasks complete).`));
  else if (output.stale) out.say(marked(c, 'warning', `Orchestration ${id} is not being executed by anyone. Continue it with: ${orchCommand('resume', id)}`));
  else out.say(marked(c, meaningOfOrch(output), `Orchestration ${id} ${output.status === 'complete' ? 'is complete' : `stopped: ${output.stop_reason}`} (${output.tasks.complete}/${output.tasks.total} tasks complete). Details: ${orchCommand('report', id)}`));
  return exitCode;
}

export async function report(idArg: string, flags: ReadFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const html = await htmlReportFlag(out, flags, async (file) => (await import('../api/html-report.js')).writeOrchestrationReportHtml(flags.repo, idArg, file));
  if (html !== null) return html;
  const r = await orchestrationReport(flags.repo, idArg);
  if (out.json) out.data(r);
  else renderOrchReport(out, r);
  return EXIT.ok;
}

/** `orchestrate follow`: the journal as it grows (NDJSON with --json), until the orchestration stops. */
export async function follow(idArg: string, flags: ReadFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json), 'stream');
  return withCancellation(async (signal) => {
    for await (const event of followOrchestration(flags.repo, idArg, { signal, activity: !out.json })) {
      if (out.json) out.data(event);
      else if (event.type === 'task_activity') for (const text of event.texts) out.say(out.colors.dim(`    · ${event.key}: ${text}`));
      else {
        const line = orchEventLine(out, event);
        if (line) out.say(line);
      }
    }
    return signal.aborted ? EXIT.interrupted : EXIT.ok;
  });
}
