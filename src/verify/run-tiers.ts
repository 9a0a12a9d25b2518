import fs from 'node:fs';
import type { Config } from '../contracts/config.js';
import type { ResultOf, VerificationFailure } from '../contracts/effects.js';
import { BoundedLog } from '../util/bounded-log.js';
import { KEEP_IN_LOG } from '../util/output-limits.js';
import { runProcess } from '../util/process.js';
import { redact, secretValues } from '../workers/redact.js';
import { confine, describeConfinement, type SandboxSpec } from '../workers/sandbox/confine.js';
import { excerpt } from './excerpt.js';
import { missingProgramOf } from './programs.js';

export const TIERS = ['tier0', 'tier1', 'tier2'] as const;

export interface VerifyOptions {
  workDir: string;
  logPath: string;
  timeoutMs: number;
  deadlineMs: number;
  env: Record<string, string | undefined>;
  /** Marks the commands and everything they start, so that leftovers can be found (see util/process-tree). */
  tag?: string;
  onSpawn?: (pid: number) => void;
  /** Aborted when the run is cancelled: the running command's tree is killed, no further command starts. */
  signal?: AbortSignal;
  /** Run the commands confined (they run the worker's code); absent: unconfined, for the reason in `unconfined`. */
  sandbox?: SandboxSpec;
  unconfined?: string;
}

/**
 * Runs the verification tiers in order, fail-fast, streaming every command's output to the log
 * (redacted, its head and tail when it is long: util/output-limits).
 */
export async function runVerification(verification: Config['verification'], opts: VerifyOptions): Promise<ResultOf<'verify'>> {
  const started = Date.now();
  const commands: ResultOf<'verify'>['commands'] = [];
  const log = fs.openSync(opts.logPath, 'a');
  const secrets = secretValues({ ...process.env, ...opts.env });
  const hide = (text: string) => redact(text, secrets);
  const confinement = opts.sandbox ? confine(opts.sandbox, opts.env) : null;
  try {
    fs.writeFileSync(log, `# sandbox: ${describeConfinement(confinement, opts.unconfined ?? 'no sandbox')}\n`);
    for (const tier of TIERS) {
      for (const command of verification[tier]) {
        fs.writeFileSync(log, `$ ${hide(command)}    # ${tier}\n`);
        const logged = new BoundedLog((text) => fs.writeFileSync(log, text), hide, KEEP_IN_LOG);
        const out = await runProcess({
          file: command, shell: true, cwd: opts.workDir, env: opts.env,
          timeoutMs: opts.timeoutMs, deadlineMs: opts.deadlineMs, onSpawn: opts.onSpawn, tag: opts.tag, signal: opts.signal,
          sandbox: confinement ?? undefined,
          onOutput: (chunk) => logged.push(chunk), hide,
        });
        logged.end();
        const output = out.all; // redacted, its end kept
        fs.writeFileSync(log, `# exit ${out.exitCode ?? 'none'} (${out.end}) in ${out.durationMs} ms\n\n`);
        const timedOut = out.end === 'timeout';
        commands.push({ tier, command, exit_code: out.exitCode, duration_ms: out.durationMs, timed_out: timedOut });
        if (out.end === 'deadline') {
          return { kind: 'verify', ok: false, commands, duration_ms: Date.now() - started, failure: null, time_budget: true };
        }
        if (out.exitCode !== 0 || out.end !== 'exit') {
          const failure: VerificationFailure = {
            tier, command, exit_code: out.exitCode, timed_out: timedOut,
            excerpt: excerpt(timedOut ? `${output}\n[runr: killed after ${Math.round(opts.timeoutMs / 1000)} s]` : output),
            log_path: opts.logPath,
          };
          const missing = out.end === 'exit' ? missingProgramOf(command, out.exitCode, out.all, opts.env, opts.workDir) : null;
          if (missing) failure.missing_program = missing;
          return { kind: 'verify', ok: false, commands, duration_ms: Date.now() - started, failure };
        }
      }
    }
  } finally {
    fs.closeSync(log);
  }
  return { kind: 'verify', ok: true, commands, duration_ms: Date.now() - started, failure: null };
}
