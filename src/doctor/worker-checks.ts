import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliWorkerConfig, WorkerConfig } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/outputs.js';
import { credentialFix, type CliDialect } from '../workers/cli-dialect.js';
import { DIALECTS } from '../workers/dialects.js';
import { pingWorker } from './ping.js';

const PROBE_TIMEOUT_MS = 20_000;

/** Checks one configured worker: installed, able to run headless, credentials present, and (with ping) answering. */
export async function checkWorker(label: string, config: WorkerConfig, opts: { ping: boolean }): Promise<DoctorCheck[]> {
  if (config.type === 'command') return [await checkCommand(label, config.bin ?? config.command[0] ?? '')];
  const dialect = DIALECTS[config.type];
  if (!dialect) return [{ name: `${label}: installed`, status: 'fail', detail: `worker type "${config.type}" is not supported`, fix: 'Use claude, codex, gemini or command' }];
  const file = config.bin ?? dialect.defaultBin;
  const env = { ...process.env, ...config.env };
  const version = await execa(file, ['--version'], { env, reject: false, timeout: PROBE_TIMEOUT_MS, stdin: 'ignore' });
  if (version.exitCode !== 0) {
    return [{
      name: `${label}: installed`, status: 'fail',
      detail: `${dialect.product} (${file}) could not be run: ${firstLine(version.stderr || version.message || '')}`,
      fix: `npm install -g ${dialect.npmPackage}, or set "bin" on this worker in the config`,
    }];
  }
  const checks: DoctorCheck[] = [{ name: `${label}: installed`, status: 'ok', detail: `${file}: ${firstLine(version.stdout)}` }];
  const help = await execa(file, dialect.headlessHelp.args, { env, reject: false, timeout: PROBE_TIMEOUT_MS, stdin: 'ignore' });
  const headless = `${help.stdout}\n${help.stderr}`.includes(dialect.headlessHelp.marker);
  checks.push(headless
    ? { name: `${label}: headless`, status: 'ok', detail: `supports ${dialect.headlessHelp.marker}` }
    : { name: `${label}: headless`, status: 'fail', detail: `${file} ${dialect.headlessHelp.args.join(' ')} does not mention ${dialect.headlessHelp.marker}: this version cannot run headless as runr needs`, fix: `npm install -g ${dialect.npmPackage}@latest` });
  checks.push(checkCredentials(label, dialect, env));
  if (opts.ping) checks.push(await pingWorker(label, dialect, config as CliWorkerConfig));
  return checks;
}

function checkCredentials(label: string, dialect: CliDialect, env: NodeJS.ProcessEnv): DoctorCheck {
  const name = `${label}: credentials`;
  const fromEnv = dialect.credentials.envVars.find((v) => env[v]);
  if (fromEnv) return { name, status: 'ok', detail: `${fromEnv} is set` };
  const home = env.HOME || os.homedir();
  const file = dialect.credentials.files(env, home).find((f) => fs.existsSync(f));
  if (file) return { name, status: 'ok', detail: `login found in ${file}` };
  const provider = dialect.type === 'codex' ? codexProviderKey(path.join(env.CODEX_HOME || path.join(home, '.codex'), 'config.toml')) : null;
  if (provider) {
    const of = `env_key of model provider "${provider.id}"`;
    if (env[provider.envKey]) return { name, status: 'ok', detail: `${provider.envKey} is set (${of})` };
    return { name, status: 'fail', detail: `${provider.envKey} (${of}) is not set`, fix: `Set ${provider.envKey} to a valid key` };
  }
  // macOS keeps some logins in the keychain, where runr cannot look: there, not finding one is only a warning.
  return {
    name, status: process.platform === 'darwin' ? 'warn' : 'fail',
    detail: `none of ${dialect.credentials.envVars.join(', ')} is set and no login file was found`,
    fix: credentialFix(dialect),
  };
}

async function checkCommand(label: string, program: string): Promise<DoctorCheck> {
  const name = `${label}: installed`;
  const found = program.includes('/')
    ? fs.existsSync(program)
    : (await execa('sh', ['-c', 'command -v "$1"', 'sh', program], { reject: false })).exitCode === 0;
  return found
    ? { name, status: 'ok', detail: `${program} found (a command worker is not pinged: it speaks runr's protocol only)` }
    : { name, status: 'fail', detail: `${program} was not found`, fix: 'Install it, or fix "command" on this worker in the config' };
}

/**
 * Codex's config.toml may select a custom model provider (`model_provider = "x"`) whose key comes
 * from its own `env_key`, not from CODEX_API_KEY or a login. A line-based read of just those two keys.
 */
function codexProviderKey(configToml: string): { id: string; envKey: string } | null {
  let text: string;
  try {
    text = fs.readFileSync(configToml, 'utf8');
  } catch {
    return null;
  }
  let section = '';
  let id: string | null = null;
  const envKeys = new Map<string, string>();
  for (const line of text.split('\n')) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) { section = header[1]!.trim(); continue; }
    const kv = /^\s*([A-Za-z_]+)\s*=\s*"([^"]*)"/.exec(line);
    if (!kv) continue;
    if (!section && kv[1] === 'model_provider') id = kv[2]!;
    const provider = /^model_providers\.(?:"([^"]+)"|([\w-]+))$/.exec(section);
    if (provider && kv[1] === 'env_key') envKeys.set(provider[1] ?? provider[2]!, kv[2]!);
  }
  const envKey = id ? envKeys.get(id) : undefined;
  return id && envKey ? { id, envKey } : null;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
