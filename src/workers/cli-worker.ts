import os from 'node:os';
import type { CliWorkerConfig, Price } from '../contracts/config.js';
import { LineSplitter } from '../util/lines.js';
import { runProcess } from '../util/process.js';
import { processTag } from '../util/process-tree.js';
import { relativeTo } from './action-failures.js';
import { credentialFix, type CliDialect, type CliSummary } from './cli-dialect.js';
import { OUTPUT_TAIL_CHARS } from './command.js';
import { extractLastJsonObject } from './extract-result.js';
import { abnormalEnd } from './process-end.js';
import { shownItem } from './activity/item.js';
import { redactValue } from './redact.js';
import { confine, describeConfinement } from './sandbox/confine.js';
import { Transcript } from './transcript.js';
import type { SessionUsage, WorkerAdapter, WorkerContext, WorkerOutput } from './types.js';

/** A worker driven through a coding-agent CLI's headless mode (claude, codex, gemini). */
export class CliWorker implements WorkerAdapter {
  readonly sessions = true;

  constructor(
    private readonly dialect: CliDialect,
    private readonly config: CliWorkerConfig,
  ) {}

  async run(prompt: string, ctx: WorkerContext): Promise<WorkerOutput> {
    const cont = ctx.continuation;
    if (cont) {
      const continued = await this.call(cont.prompt, cont.sessionId, cont.usage, ctx);
      if (continued.summary?.failure?.kind !== 'session_missing') return continued.output;
    }
    return (await this.call(prompt, null, undefined, ctx)).output;
  }

  private async call(prompt: string, sessionId: string | null, priorUsage: SessionUsage | undefined, ctx: WorkerContext) {
    const { dialect, config } = this;
    const opts = { config, sessionId, workDir: ctx.workDir, sandboxed: Boolean(ctx.sandbox) };
    const file = config.bin ?? dialect.defaultBin;
    const args = [...dialect.args(opts), ...(config.args ?? [])];
    const env = { ...process.env, ...dialect.env?.(opts), ...config.env };
    const confinement = ctx.sandbox ? confine(ctx.sandbox, env, dialect.sandboxPaths(env, env.HOME || os.homedir())) : null;
    const log = new Transcript(ctx.logPath, { ...process.env, ...config.env });
    log.section(`${ctx.phase} worker (${dialect.product}${sessionId ? `, continuing session ${sessionId}` : ''}): ${[file, ...args].join(' ')}`);
    log.section(`sandbox: ${describeConfinement(confinement, ctx.unconfined ?? 'no sandbox')}`);
    log.section('prompt (on stdin)', prompt);
    log.section('output');

    const parser = dialect.createParser();
    const readActivity = ctx.onActivity ? dialect.createActivityReader?.() : undefined;
    const lines = new LineSplitter((line) => {
      parser.line(line);
      for (const read of readActivity?.(line) ?? []) {
        const item = shownItem({ ...read, text: relativeTo(ctx.workDir, [read.text])[0]! }, log.hide);
        if (item) ctx.onActivity?.(item);
      }
    });
    const out = await runProcess({
      file, args, cwd: ctx.workDir, env, input: prompt,
      stallMs: ctx.stallTimeoutMs, timeoutMs: ctx.timeoutMs, deadlineMs: ctx.deadlineMs, graceMs: ctx.graceMs,
      isDone: () => parser.finished(),
      shouldAbort: () => parser.shouldAbort?.() ?? false,
      onOutput: (chunk, stream) => {
        log.output(chunk);
        if (stream === 'stdout') lines.push(chunk);
      },
      hide: log.hide,
      onSpawn: ctx.onSpawn,
      signal: ctx.signal,
      tag: processTag(ctx.runDir),
      stopSignal: dialect.stopSignal,
      sandbox: confinement ?? undefined,
    });
    lines.end();
    const summary = parser.summary({ stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode });
    if (summary.notes?.length) log.section('notes', summary.notes.join('\n'));
    if (summary.actionFailures?.length) log.section('failed actions', summary.actionFailures.join('\n'));
    log.close(`${out.end}, exit code ${out.exitCode}, ${out.durationMs} ms`);

    const base: WorkerOutput = {
      outcome: 'no_result',
      exit_code: out.exitCode,
      log_path: ctx.logPath,
      duration_ms: out.durationMs,
      // The agent's last words (or the CLI's error) read better in a stop's detail than raw events.
      output_tail: log.hide(summary.text ?? summary.failure?.message ?? (out.stderr.trim() || out.stdout)).slice(-OUTPUT_TAIL_CHARS),
      session: sessionId ? 'continued' : 'fresh',
    };
    const abnormal = abnormalEnd(out, file, ctx);
    if (abnormal) return { summary: null, output: { ...base, ...abnormal, detail: `${dialect.product}: ${abnormal.detail}` } };

    const output = this.interpret(this.perCall(summary, sessionId ? priorUsage : undefined), base, out.end === 'grace', log.secrets);
    if (summary.actionFailures?.length) output.action_failures = redactValue(relativeTo(ctx.workDir, summary.actionFailures), log.secrets);
    if (dialect.cumulativeUsage && summary.usage) {
      const { input_tokens, output_tokens, cached_input_tokens } = summary.usage;
      output.session_usage = { input_tokens, output_tokens, cached_input_tokens };
    }
    return { summary, output };
  }

  /** This call's own usage, for CLIs that report usage summed over the whole session. */
  private perCall(summary: CliSummary, prior: SessionUsage | undefined): CliSummary {
    if (!this.dialect.cumulativeUsage || !summary.usage || !prior) return summary;
    const u = summary.usage;
    const minus = (a: number, b: number | undefined) => Math.max(0, a - (b ?? 0));
    return {
      ...summary,
      usage: {
        ...u,
        input_tokens: minus(u.input_tokens, prior.input_tokens),
        output_tokens: minus(u.output_tokens, prior.output_tokens),
        cached_input_tokens: minus(u.cached_input_tokens ?? 0, prior.cached_input_tokens),
      },
    };
  }

  private interpret(summary: CliSummary, base: WorkerOutput, endedAfterResult: boolean, secrets: string[]): WorkerOutput {
    const { dialect } = this;
    const withSummary: WorkerOutput = {
      ...base,
      session_id: summary.sessionId,
      usage: summary.usage ? priced(summary.usage, this.config.price) : null,
    };
    const failure = summary.failure;
    const detail = (message: string) => `${dialect.product}: ${redactValue(message, secrets)}`;
    if (failure?.kind === 'rate_limited') {
      return { ...withSummary, outcome: 'rate_limited', detail: detail(failure.message), retry_at: failure.retryAt ?? null, retry_after_s: failure.retryAfterS ?? null };
    }
    if (failure?.kind === 'auth') {
      return { ...withSummary, outcome: 'auth_failed', detail: detail(failure.message), fix: credentialFix(dialect, { ...process.env, ...this.config.env }) };
    }
    // The structured output decides, never the exit code alone (Gemini CLI exits 0 after some failures).
    const result = summary.text ? redactValue(extractLastJsonObject(summary.text), secrets) : undefined;
    if (failure && result === undefined) return { ...withSummary, outcome: 'crashed', detail: detail(failure.message) };
    if (result !== undefined) return { ...withSummary, outcome: 'result', result };
    if (base.exit_code !== 0 && !endedAfterResult) {
      return { ...withSummary, outcome: 'crashed', detail: detail(`exited with code ${base.exit_code ?? 'unknown'} without an answer`) };
    }
    return { ...withSummary, outcome: 'no_result' };
  }
}

/** Usage with a cost: the CLI's own when it reports one, else from the configured price, else null. */
function priced(usage: NonNullable<CliSummary['usage']>, price: Price | undefined): WorkerOutput['usage'] {
  let cost = usage.cost_usd;
  if (cost === null && price) {
    const cached = usage.cached_input_tokens ?? 0;
    cost = ((usage.input_tokens - cached) * price.input_per_mtok
      + cached * (price.cached_input_per_mtok ?? price.input_per_mtok)
      + usage.output_tokens * price.output_per_mtok) / 1_000_000;
  }
  return { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, cost_usd: cost };
}
