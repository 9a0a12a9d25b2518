import { WORKER_ROLES, type Config, type WorkerConfig, type WorkerRole } from '../contracts/config.js';
import { isSecretName, redact, REDACTED } from '../util/secrets.js';
import { loadConfig } from './load.js';

function isSecretEntry(name: string, value: string): boolean {
  return isSecretName(name) || redact(value, []) !== value;
}

/** Command-line words with secret shapes in them (`--api-key sk-…`) replaced by [REDACTED]. */
function redactWords(words: string[] | undefined): string[] | undefined {
  return words?.map((w) => (redact(w, []) !== w ? REDACTED : w));
}

/**
 * The config as a run stores it in its journal: secret values in worker `env`, and command-line
 * words of a secret shape in a worker's `command` and `args`, are replaced by [REDACTED] (SPEC §10);
 * the worker gets the real values from the config file when it starts.
 */
export function configForJournal(config: Config): Config {
  const workers = { ...config.workers };
  for (const role of WORKER_ROLES) {
    const w = workers[role];
    if (!w) continue;
    const env = w.env ? Object.fromEntries(Object.entries(w.env).map(([k, v]) => [k, isSecretEntry(k, v) ? REDACTED : v])) : undefined;
    const args = redactWords(w.args);
    const command = w.type === 'command' ? redactWords(w.command) : undefined;
    workers[role] = { ...w, ...(env ? { env } : {}), ...(args ? { args } : {}), ...(command ? { command } : {}) } as WorkerConfig;
  }
  return { ...config, workers };
}

/** Words put back from the config file's, where the stored ones were redacted (the stored ones when it no longer fits). */
function restoreWords(stored: string[] | undefined, fresh: string[] | undefined): string[] | undefined {
  if (!stored?.includes(REDACTED)) return stored;
  return fresh && fresh.length === stored.length ? stored.map((w, i) => (w === REDACTED ? fresh[i]! : w)) : stored;
}

/** A stored worker config with its redacted env values and words read back from the config file (left out when unavailable). */
export function workerWithSecrets(stored: WorkerConfig, role: WorkerRole, configPath: string): WorkerConfig {
  const env = stored.env;
  const redactedEnv = !!env && Object.values(env).includes(REDACTED);
  const redactedWords = [stored.args, stored.type === 'command' ? stored.command : undefined].some((w) => w?.includes(REDACTED));
  if (!redactedEnv && !redactedWords) return stored;
  let fresh: WorkerConfig | undefined;
  try {
    fresh = loadConfig(configPath).workers[role];
  } catch {
    /* the config file is gone or invalid: the secrets cannot be recovered */
  }
  const restored: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) {
    const value = v === REDACTED ? fresh?.env?.[k] : v;
    if (value !== undefined && value !== REDACTED) restored[k] = value;
  }
  const out = { ...stored, ...(env ? { env: restored } : {}), args: restoreWords(stored.args, fresh?.args) } as WorkerConfig;
  if (out.type === 'command' && stored.type === 'command') {
    out.command = restoreWords(stored.command, fresh?.type === 'command' ? fresh.command : undefined) ?? stored.command;
  }
  if (out.args === undefined) delete out.args;
  return out;
}
