import fs from 'node:fs';
import type { WorkerConfig } from '../contracts/config.js';
import { runProcess } from '../util/process.js';
import { extractLastJsonObject } from './extract-result.js';
import { redact } from './redact.js';
import type { WorkerAdapter, WorkerContext, WorkerOutput } from './types.js';

type CommandConfig = Extract<WorkerConfig, { type: 'command' }>;

const TAIL_CHARS = 2_000;

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
    const log = fs.openSync(ctx.logPath, 'a');
    fs.writeSync(log, redact(`# ${ctx.phase} worker: ${[file, ...args].join(' ')}\n## prompt\n${prompt}\n## output\n`));
    const out = await runProcess({
      file, args, cwd: ctx.workDir, env, input: prompt,
      stallMs: ctx.stallTimeoutMs, timeoutMs: ctx.timeoutMs, deadlineMs: ctx.deadlineMs, graceMs: ctx.graceMs,
      isDone: (stdout) => ctx.isFinalResult(extractLastJsonObject(stdout.slice(-65_536))),
      onOutput: (chunk) => fs.writeSync(log, redact(chunk)),
      onSpawn: ctx.onSpawn,
    });
    fs.writeSync(log, `\n## end: ${out.end}, exit code ${out.exitCode}, ${out.durationMs} ms\n`);
    fs.closeSync(log);

    const base = { exit_code: out.exitCode, log_path: ctx.logPath, duration_ms: out.durationMs, output_tail: redact(out.all.slice(-TAIL_CHARS)) };
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
    const result = extractLastJsonObject(out.stdout);
    if (result !== undefined && (out.end === 'grace' || out.exitCode === 0 || ctx.isFinalResult(result))) {
      return { ...base, outcome: 'result', result };
    }
    if (out.exitCode !== 0 && out.end !== 'grace') return { ...base, outcome: 'crashed' };
    return { ...base, outcome: result === undefined ? 'no_result' : 'result', result };
  }
}
