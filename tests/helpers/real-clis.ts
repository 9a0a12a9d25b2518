import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { claudeTestEnv, prepareClaudeHome, startAnthropicApi } from '../fakes/anthropic-api.js';
import { geminiTestEnv, prepareGeminiHome, startGeminiApi } from '../fakes/gemini-api.js';
import { CODEX_TEST_MODEL, codexTestEnv, prepareCodexHome, startOpenAiApi } from '../fakes/openai-api.js';
import type { FakeServer, Model } from '../fakes/model.js';
import { noteFile } from '../fakes/runr-model.js';
import { ROOT, TestRepo } from './harness.js';

/**
 * The real worker CLIs (pinned devDependencies) against the project's fake model APIs on
 * 127.0.0.1. Each CLI gets its own HOME (under .test-homes/), given through the worker config's
 * `env`, so runr itself runs with the developer's environment untouched.
 */
export const CLI_BIN = (name: 'claude' | 'codex' | 'gemini') => path.join(ROOT, 'node_modules', '.bin', name);

/** The model the claude tests name: priced by Claude Code at $3 / $15 per million tokens. */
export const CLAUDE_MODEL = 'claude-sonnet-4-5';
export const CLAUDE_PRICE = { input: 3 / 1e6, output: 15 / 1e6 };

export interface CliSetup {
  server: FakeServer;
  /** A worker config entry for runr.config.json. */
  worker: Record<string, unknown>;
  home: string;
}

/**
 * The CLIs' homes live outside the system temp dir: Codex refuses to unpack the helper its own
 * sandbox needs under it, and then every file write of an unconfined Codex fails (while it exits 0).
 * (Under the home directory when the checkout itself is in the temp dir.) Removed after each test (see closedAfterEach).
 */
export const TEST_HOMES = insideTempDir(ROOT) ? path.join(os.homedir(), '.cache', 'runr-test-homes') : path.join(ROOT, '.test-homes');

/** True when `dir` lies in the system temp dir (a checkout there, as CI may make one). */
function insideTempDir(dir: string): boolean {
  const tmp = fs.realpathSync(os.tmpdir());
  const real = fs.realpathSync(dir);
  return real === tmp || real.startsWith(`${tmp}${path.sep}`);
}
const homes: string[] = [];

export function homeFor(repo: TestRepo, name: string): string {
  const home = path.join(TEST_HOMES, path.basename(path.dirname(repo.dir)), `${name}-home`);
  fs.mkdirSync(home, { recursive: true });
  homes.push(path.dirname(home));
  return home;
}

export async function fakeClaude(repo: TestRepo, model: Model, opts: { auth?: 'apiKey' | 'oauth'; maxRetries?: number; extraEnv?: Record<string, string> } = {}): Promise<CliSetup> {
  const server = await startAnthropicApi(model);
  const home = homeFor(repo, 'claude');
  prepareClaudeHome(home, server.url);
  const env = { ...claudeTestEnv(server.url, home, { auth: opts.auth, maxRetries: opts.maxRetries ?? 1 }), ...opts.extraEnv };
  return { server, home, worker: { type: 'claude', bin: CLI_BIN('claude'), model: CLAUDE_MODEL, env } };
}

export async function fakeCodex(repo: TestRepo, model: Model, extra: Record<string, unknown> = {}): Promise<CliSetup> {
  const server = await startOpenAiApi(model);
  const home = homeFor(repo, 'codex');
  prepareCodexHome(home, server.url);
  // The child keeps runr's own time zone, in which runr reads the reset times Codex prints.
  const { TZ: _tz, ...env } = codexTestEnv(server.url, home);
  return { server, home, worker: { type: 'codex', bin: CLI_BIN('codex'), model: CODEX_TEST_MODEL, env, ...extra } };
}

/** The model the gemini tests name (with -m, the CLI sends no routing side request). */
export const GEMINI_MODEL = 'gemini-2.5-pro';

export async function fakeGemini(repo: TestRepo, model: Model, extra: Record<string, unknown> = {}): Promise<CliSetup> {
  const server = await startGeminiApi(model);
  const home = homeFor(repo, 'gemini');
  prepareGeminiHome(home, server.url);
  fs.mkdirSync(path.join(home, 'tmp'), { recursive: true });
  return { server, home, worker: { type: 'gemini', bin: CLI_BIN('gemini'), model: GEMINI_MODEL, env: geminiTestEnv(server.url, home), ...extra } };
}

/** Every role uses `worker` unless `roles` says otherwise. */
export function writeWorkers(repo: TestRepo, roles: { planner: unknown; implementer: unknown; reviewer: unknown }, limits: Record<string, number> = {}): void {
  repo.writeConfig({
    workers: roles,
    verification: { tier0: [], tier1: [], tier2: ['node check.js'] },
    limits: { stall_timeout_s: 60, worker_timeout_s: 120, verify_timeout_s: 60, result_grace_s: 2, ...limits },
  });
}

/** A check.js that passes once every note the plan expects so far has the right content. */
export const NOTES_CHECK = `const fs = require('fs');
for (const f of fs.existsSync('notes') ? fs.readdirSync('notes') : []) {
  const text = fs.readFileSync('notes/' + f, 'utf8');
  if (!/^ok milestone \\d+\\n$/.test(text)) { console.error('bad note ' + f + ': ' + JSON.stringify(text)); process.exit(1); }
}
`;

/** The list a test file puts its fake API servers in; every one is closed (and every CLI home removed) after each test. */
export function closedAfterEach(): FakeServer[] {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const dir of homes.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return servers;
}

/** A test repository whose check.js is NOTES_CHECK. */
export function notesRepo(task?: string): TestRepo {
  return new TestRepo({ files: { 'check.js': NOTES_CHECK }, task });
}

/** The run branch holds one checkpoint per milestone, each adding that milestone's note. */
export function expectNotesCheckpointed(repo: TestRepo, runId: string, milestones: number): void {
  const log = repo.git('log', '--format=%s%n%b', `main..runr/${runId}`);
  expect(log.match(/Runr-Checkpoint:/g)?.length).toBe(milestones);
  for (let m = 1; m <= milestones; m++) {
    expect(repo.git('show', `runr/${runId}:${noteFile(m)}`)).toBe(`ok milestone ${m}`);
  }
}

/** Pids of live processes whose working directory is inside `dir` (a worker or anything it left behind). */
export function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(entry));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

/** Transcripts of the run's worker calls. */
export function workerLogs(repo: TestRepo, runId: string): string[] {
  const dir = path.join(repo.runDir(runId), 'logs');
  return fs.readdirSync(dir).filter((f) => /(plan|implement|review)-m\d/.test(f)).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}
