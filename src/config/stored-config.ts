import { WORKER_ROLES, type Config, type WorkerConfig, type WorkerRole } from '../contracts/config.js';
import { isSecretName, redact, REDACTED } from '../workers/redact.js';
import { loadConfig } from './load.js';

function isSecretEntry(name: string, value: string): boolean {
  return isSecretName(name) || redact(value, []) !== value;
}

/**
 * The config as a run stores it in its journal: secret values in worker `env` are replaced by
 * [REDACTED] (SPEC §10); the worker gets the real value from the config file when it starts.
 */
export function configForJournal(config: Config): Config {
  const workers = { ...config.workers };
  for (const role of WORKER_ROLES) {
    const w = workers[role];
    if (!w?.env) continue;
    const env = Object.fromEntries(Object.entries(w.env).map(([k, v]) => [k, isSecretEntry(k, v) ? REDACTED : v]));
    workers[role] = { ...w, env } as WorkerConfig;
  }
  return { ...config, workers };
}

/** A stored worker config with its redacted env values read back from the config file (left out when unavailable). */
export function workerWithSecrets(stored: WorkerConfig, role: WorkerRole, configPath: string): WorkerConfig {
  const env = stored.env;
  if (!env || !Object.values(env).includes(REDACTED)) return stored;
  let fresh: Record<string, string> = {};
  try {
    fresh = loadConfig(configPath).workers[role]?.env ?? {};
  } catch {
    /* the config file is gone or invalid: the secrets cannot be recovered */
  }
  const restored: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const value = v === REDACTED ? fresh[k] : v;
    if (value !== undefined && value !== REDACTED) restored[k] = value;
  }
  return { ...stored, env: restored };
}
