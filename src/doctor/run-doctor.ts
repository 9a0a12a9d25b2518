import path from 'node:path';
import { WORKER_ROLES, DEFAULT_WORKERS } from '../contracts/config.js';
import type { DoctorCheck, DoctorOutput } from '../contracts/outputs.js';
import { defaultConfigPath } from '../store/paths.js';
import { checkConfig, checkGit, checkNode, checkRepo } from './environment-checks.js';
import { checkSandbox } from './sandbox-check.js';
import { checkVerification } from './verification-checks.js';
import { checkWorker } from './worker-checks.js';

export interface DoctorOptions {
  repo: string;
  config?: string;
  /** Make one real, minimal call per CLI worker. */
  ping: boolean;
}

/** `runr doctor`: is everything a run needs in place? Each check says ok, warn or fail, with a fix. */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorOutput> {
  const checks: DoctorCheck[] = [checkNode(), await checkGit()];
  const repo = await checkRepo(path.resolve(opts.repo));
  checks.push(repo.check);
  const configPath = opts.config ? path.resolve(opts.config) : repo.root ? defaultConfigPath(repo.root) : null;
  const { check, config } = configPath ? checkConfig(configPath) : { check: null, config: null };
  if (check) checks.push(check);
  const sandbox = await checkSandbox(config);
  checks.push(sandbox.check);

  // Workers that are the same program are checked once, under every role that uses them.
  const byWorker = new Map<string, { roles: string[]; worker: (typeof DEFAULT_WORKERS)[keyof typeof DEFAULT_WORKERS] }>();
  for (const role of WORKER_ROLES) {
    const worker = config?.workers[role] ?? DEFAULT_WORKERS[role];
    const key = JSON.stringify(worker);
    const entry = byWorker.get(key) ?? { roles: [], worker };
    entry.roles.push(role);
    byWorker.set(key, entry);
  }
  for (const { roles, worker } of byWorker.values()) {
    // A ping runs the way a run would: confined unless the worker's sandbox is off.
    const { bwrap } = sandbox;
    const confined = bwrap !== null && (worker.sandbox ?? config?.sandbox ?? 'auto') !== 'off';
    const pingSandbox = confined ? { bwrap, writable: [...(config?.sandbox_writable ?? []), ...(worker.sandbox_writable ?? [])] } : null;
    checks.push(...await checkWorker(`${roles.join('+')} worker (${worker.type})`, worker, { ping: opts.ping, sandbox: pingSandbox }));
  }
  if (config && configPath) checks.push(...checkVerification(config, repo.root ?? path.resolve(opts.repo), configPath));
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}
