import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliWorkerConfig } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/outputs.js';
import type { CliDialect } from '../workers/cli-dialect.js';
import { CliWorker } from '../workers/cli-worker.js';

/** The ping runs confined, as a run would, when the sandbox works and the worker's mode is not off. */
export interface PingSandbox {
  bwrap: string;
  writable: string[];
}

const PING_PROMPT = 'This is a connectivity check from runr doctor. Do not use any tools and do not change any files. Reply with exactly this JSON object and nothing else: {"ok":true}';

/** One real, minimal worker call (it costs a few tokens), in an empty scratch directory. */
export async function pingWorker(label: string, dialect: CliDialect, config: CliWorkerConfig, sandbox: PingSandbox | null): Promise<DoctorCheck> {
  const name = `${label}: ping`;
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-doctor-')));
  const check = await ping(name, dialect, config, dir, sandbox);
  // The scratch directory (with the transcript) is kept only when the ping failed, for the user to read.
  if (check.status === 'ok') fs.rmSync(dir, { recursive: true, force: true });
  return check;
}

async function ping(name: string, dialect: CliDialect, config: CliWorkerConfig, dir: string, sandbox: PingSandbox | null): Promise<DoctorCheck> {
  const out = await new CliWorker(dialect, config).run(PING_PROMPT, {
    phase: 'PLAN', runId: `doctor-${process.pid}`, runDir: dir, workDir: dir, milestoneIndex: 0, attempt: 1,
    logPath: path.join(dir, 'ping.log'),
    stallTimeoutMs: 120_000, timeoutMs: 180_000, deadlineMs: Date.now() + 180_000, graceMs: 5_000,
    isFinalResult: (v) => (v as { ok?: unknown } | undefined)?.ok === true,
    ...(sandbox ? { sandbox: { ...sandbox, repoRoot: dir, workDir: dir, runDir: dir } } : { unconfined: 'sandbox off or unavailable' }),
  });
  const took = `${((out.duration_ms ?? 0) / 1000).toFixed(1)} s`;
  if (out.outcome === 'result' && (out.result as { ok?: unknown }).ok === true) {
    const cost = out.usage?.cost_usd;
    return { name, status: 'ok', detail: `answered in ${took}${typeof cost === 'number' ? `, cost $${cost.toFixed(4)}` : ''}` };
  }
  if (out.outcome === 'rate_limited') {
    return { name, status: 'warn', detail: `rate limited: ${out.detail}`, fix: 'Wait for the limit to reset; runs wait for it by themselves (quota_wait)' };
  }
  const why = out.detail ?? (out.outcome === 'result' ? 'it answered, but not with {"ok":true}' : `outcome ${out.outcome}`);
  return { name, status: 'fail', detail: `${why} (transcript: ${out.log_path ?? 'none'})`, fix: out.fix ?? 'Run the CLI by hand once to see what it needs' };
}
