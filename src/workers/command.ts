import type { WorkerConfig } from '../contracts/config.js';
import { runProcess } from '../util/process.js';
import { processTag } from '../util/process-tree.js';
import { stderrActivity } from './activity/stderr.js';
import { extractLastJsonObject } from './extract-result.js';
import { abnormalEnd } from './process-end.js';
import { redactValue } from './redact.js';
import { confine, describeConfinement } from './sandbox/confine.js';
import { Transcript } from './transcript.js';
import type { WorkerAdapter, WorkerContext, WorkerOutput } from './types.js';

type CommandConfig = Extract<WorkerConfig, { type: 'command' }>;

export const OUTPUT_TAIL_CHARS = 2_000;

/** The `command` worker (SPEC §7): any executable, prompt on stdin, result = last JSON object on stdout. */
export class CommandWorker implements WorkerAdapter {
  readonly sessions = false;

  constructor(private readonly config: CommandConfig) {}

  async run(prompt: string, ctx: WorkerContext): Promise<WorkerOutput> {
    const [program, ...baseArgs] = this.config.command;
    const file = this.config.bin ?? (program as string);
    const args = [...(this.config.bin ? this.config.command : baseArgs), ...(this.config.args ?? [])];
    const env = {
      ...process.env,
      ...this.config.env,
      RUNR_PHASE: ctx.phase,
      RUNR_RUN_ID: ctx.runId,
      RUNR_RUN_DIR: ctx.runDir,
      RUNR_MILESTONE_INDEX: String(ctx.milestoneIndex),
      RUNR_ATTEMPT: String(ctx.attempt),
      ...(this.config.model ? { RUNR_MODEL: this.config.model } : {}),
    };
    // Secrets the worker is given through the config's env count as secrets too.
    const log = new Transcript(ctx.logPath, { ...process.env, ...this.config.env });
    log.section(`${ctx.phase} worker: ${[file, ...args].join(' ')}`);
    const confinement = ctx.sandbox ? confine(ctx.sandbox, env) : null;
    log.section(`sandbox: ${describeConfinement(confinement, ctx.unconfined ?? 'no sandbox')}`);
    log.section('prompt', prompt);
    log.section('output');
    const onActivity = ctx.onActivity;
    const activity = onActivity ? stderrActivity(onActivity, log.hide) : null;
    const out = await runProcess({
      file, args, cwd: ctx.workDir, env, input: prompt,
      stallMs: ctx.stallTimeoutMs, timeoutMs: ctx.timeoutMs, deadlineMs: ctx.deadlineMs, graceMs: ctx.graceMs,
      isDone: (recent) => ctx.isFinalResult(extractLastJsonObject(recent)),
      onOutput: (chunk, stream) => {
        log.output(chunk);
        if (stream === 'stderr') activity?.push(chunk);
      },
      hide: log.hide,
      onSpawn: ctx.onSpawn,
      signal: ctx.signal,
      tag: processTag(ctx.runDir),
      sandbox: confinement ?? undefined,
    });
    activity?.end();
    log.close(`${out.end}, exit code ${out.exitCode}, ${out.durationMs} ms`);

    const base = { exit_code: out.exitCode, log_path: ctx.logPath, duration_ms: out.durationMs, output_tail: out.all.slice(-OUTPUT_TAIL_CHARS) };
    const abnormal = abnormalEnd(out, file, ctx);
    if (abnormal) return { ...base, ...abnormal };
    // Redacted: the result is journaled, and its text (summaries, comments) reaches prompts and reports.
    // Read from the end of stdout (its last 1 MiB when it printed more: a result must end the output).
    const result = redactValue(extractLastJsonObject(out.stdoutEnd), log.secrets);
    if (result !== undefined && (out.end === 'grace' || out.exitCode === 0 || ctx.isFinalResult(result))) {
      return { ...base, outcome: 'result', result };
    }
    if (out.exitCode !== 0 && out.end !== 'grace') return { ...base, outcome: 'crashed' };
    return { ...base, outcome: result === undefined ? 'no_result' : 'result', result };
  }
}
