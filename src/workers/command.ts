import fs from 'node:fs';
import type { WorkerConfig } from '../contracts/config.js';
import { runProcess } from '../util/process.js';
import { extractLastJsonObject } from './extract-result.js';
import { redact, redactValue, secretValues } from './redact.js';
import type { WorkerAdapter, WorkerContext, WorkerOutput } from './types.js';

type CommandConfig = Extract<WorkerConfig, { type: 'command' }>;

const TAIL_CHARS = 2_000;
/** Output without a newline is logged once this much has piled up (keeping the last 1 KiB back). */
const MAX_PARTIAL = 256 * 1_024;

/** The `command` worker (SPEC §7): any executable, prompt on stdin, result = last JSON object on stdout. */
export class CommandWorker implements WorkerAdapter {
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
    const secrets = secretValues({ ...process.env, ...this.config.env });
    const hide = (text: string) => redact(text, secrets);
    const log = fs.openSync(ctx.logPath, 'a');
    fs.writeSync(log, hide(`# ${ctx.phase} worker: ${[file, ...args].join(' ')}\n## prompt\n${prompt}\n## output\n`));
    // Output is logged line by line, so that a secret split across two chunks is still redacted.
    let partial = '';
    const logOutput = (chunk: string) => {
      partial += chunk;
      const cut = partial.lastIndexOf('\n') + 1 || (partial.length > MAX_PARTIAL ? partial.length - 1_024 : 0);
      if (cut === 0) return;
      fs.writeSync(log, hide(partial.slice(0, cut)));
      partial = partial.slice(cut);
    };
    const out = await runProcess({
      file, args, cwd: ctx.workDir, env, input: prompt,
      stallMs: ctx.stallTimeoutMs, timeoutMs: ctx.timeoutMs, deadlineMs: ctx.deadlineMs, graceMs: ctx.graceMs,
      isDone: (stdout) => ctx.isFinalResult(extractLastJsonObject(stdout.slice(-65_536))),
      onOutput: logOutput,
      onSpawn: ctx.onSpawn,
    });
    if (partial) fs.writeSync(log, hide(partial));
    fs.writeSync(log, `\n## end: ${out.end}, exit code ${out.exitCode}, ${out.durationMs} ms\n`);
    fs.closeSync(log);

    const base = { exit_code: out.exitCode, log_path: ctx.logPath, duration_ms: out.durationMs, output_tail: hide(out.all).slice(-TAIL_CHARS) };
    const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
    switch (out.end) {
      case 'spawn_error':
        return { ...base, outcome: 'missing', detail: `could not start ${file}: ${out.spawnError}` };
      case 'stall':
        return { ...base, outcome: 'stalled', detail: `no output for ${seconds(ctx.stallTimeoutMs)}; the worker was killed` };
      case 'timeout':
        return { ...base, outcome: 'timed_out', detail: `the worker ran longer than ${seconds(ctx.timeoutMs)} and was killed` };
      case 'deadline':
        return { ...base, outcome: 'time_budget', detail: 'the time budget ran out while the worker was running' };
      default:
        break;
    }
    // Redacted: the result is journaled, and its text (summaries, comments) reaches prompts and reports.
    const result = redactValue(extractLastJsonObject(out.stdout), secrets);
    if (result !== undefined && (out.end === 'grace' || out.exitCode === 0 || ctx.isFinalResult(result))) {
      return { ...base, outcome: 'result', result };
    }
    if (out.exitCode !== 0 && out.end !== 'grace') return { ...base, outcome: 'crashed' };
    return { ...base, outcome: result === undefined ? 'no_result' : 'result', result };
  }
}
