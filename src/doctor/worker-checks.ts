import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import type { CliWorkerConfig, WorkerConfig } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/outputs.js';
import { credentialFix, type CliDialect } from '../workers/cli-dialect.js';
import { DIALECTS } from '../workers/dialects.js';
import { checkOwnSandbox } from './own-sandbox-check.js';
import { pingWorker, type PingSandbox } from './ping.js';

const PROBE_TIMEOUT_MS = 20_000;

/** Checks one configured worker: installed, able to run headless, credentials present, and (with ping) answering. */
export async function checkWorker(label: string, config: WorkerConfig, opts: { ping: boolean; sandbox?: PingSandbox | null }): Promise<DoctorCheck[]> {
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
  const own = await checkOwnSandbox(label, dialect, config as CliWorkerConfig, env, Boolean(opts.sandbox));
  if (own) checks.push(own);
  if (opts.ping) checks.push(await pingWorker(label, dialect, config as CliWorkerConfig, opts.sandbox ?? null));
  return checks;
}

function checkCredentials(label: string, dialect: CliDialect, env: NodeJS.ProcessEnv): DoctorCheck {
  const name = `${label}: credentials`;
  const vars = dialect.credentials.envVars(env);
  const fromEnv = vars.find((v) => env[v]);
  if (fromEnv) return { name, status: 'ok', detail: `${fromEnv} is set` };
  const file = dialect.credentials.files(env, env.HOME || os.homedir()).find((f) => fs.existsSync(f));
  if (file) return { name, status: 'ok', detail: `login found in ${file}` };
  // macOS keeps some logins in the keychain, where runr cannot look: there, not finding one is only a warning.
  return {
    name, status: process.platform === 'darwin' ? 'warn' : 'fail',
    detail: `none of ${vars.join(', ')} is set and no login file was found`,
    fix: credentialFix(dialect, env),
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

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
