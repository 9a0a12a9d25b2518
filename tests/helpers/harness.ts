import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';
import type { z } from 'zod';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RUNR_BIN = path.join(ROOT, 'bin', 'runr.js');
export const AGENT = path.join(ROOT, 'tests', 'agents', 'scripted-agent.mjs');

export type Step = {
  write?: Record<string, string>;
  delete?: string[];
  rename?: Record<string, string>;
  mkdir?: string[];
  symlink?: Record<string, string>;
  sleep_ms?: number;
  /** Block until this (absolute) file exists. */
  wait_for?: string;
  stdout?: string;
  stderr?: string;
  /** Printed on stderr one line at a time, stderr_gap_ms apart, before sleep_ms and wait_for. */
  stderr_lines?: string[];
  stderr_gap_ms?: number;
  result?: unknown;
  fenced?: boolean;
  exit?: number;
  hang?: boolean;
  linger_ms?: number;
  kill_parent?: boolean;
  /** IMPLEMENT: change no file at all (without any file step, the agent writes src/work/m<n>.txt). */
  keep_tree?: boolean;
};
export type Script = Record<string, Step[]>;

export interface RunrResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON value (throws with the output when it is not). */
  json<T = any>(schema?: z.ZodType<T>): T;
  /** stdout parsed as NDJSON. */
  lines<T = any>(): T[];
}

export const ok = (summary = 'done') => ({ status: 'ok', summary });
export const approve = () => ({ verdict: 'approve', comments: [] });
export const plan = (...goals: string[]) => ({
  milestones: goals.map((goal) => ({ goal, files_expected: [], done_checks: [] })),
});

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execaSync('git', args, { cwd, env: GIT_ENV }).stdout;
}

export interface RepoOptions {
  files?: Record<string, string>;
  /** Merged over the default test config (scripted agent for every role, `node check.js` verification). */
  config?: Record<string, unknown>;
  script?: Script;
  task?: string;
  /** Write no config at all. */
  noConfig?: boolean;
}

export const DEFAULT_TASK = `# Add a greeting

## Goal
Add src/greet.js exporting greet(name).

## Requirements
- greet("x") returns "hello x"

## Success Criteria
- node check.js passes
`;

/** A temporary git repository with a runr config whose workers are the scripted agent. */
export class TestRepo {
  readonly dir: string;
  readonly stateDir: string;
  readonly taskPath: string;

  constructor(opts: RepoOptions = {}) {
    const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-test-')));
    this.dir = path.join(base, 'repo');
    this.stateDir = path.join(base, 'agent');
    fs.mkdirSync(this.dir);
    fs.mkdirSync(this.stateDir);
    git(this.dir, 'init', '-q', '-b', 'main');
    const files = { 'README.md': '# test project\n', 'check.js': "process.exit(0)\n", ...opts.files };
    for (const [file, content] of Object.entries(files)) this.write(file, content);
    git(this.dir, 'add', '-A');
    git(this.dir, 'commit', '-q', '-m', 'initial');
    this.taskPath = path.join(this.dir, '.runr', 'tasks', 'task.md');
    this.write('.runr/tasks/task.md', opts.task ?? DEFAULT_TASK);
    if (!opts.noConfig) this.writeConfig(opts.config ?? {});
    this.setScript(opts.script ?? { PLAN: [{ result: plan('m one') }], IMPLEMENT: [{ result: ok() }], REVIEW: [{ result: approve() }] });
  }

  writeConfig(overrides: Record<string, unknown>): void {
    const worker = { type: 'command', command: ['node', AGENT] };
    const config = {
      agent: { name: 'test', version: '1' },
      scope: { allowlist: [], denylist: [], presets: [], protect: [] },
      verification: { tier0: [], tier1: [], tier2: ['node check.js'] },
      workers: { planner: worker, implementer: worker, reviewer: worker },
      limits: { stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 },
      // The scripted agent (and verification commands of some tests) write into AGENT_STATE_DIR.
      sandbox_writable: [this.stateDir],
      ...overrides,
    };
    this.write('.runr/runr.config.json', JSON.stringify(config, null, 2));
  }

  setScript(script: Script): void {
    fs.writeFileSync(path.join(this.stateDir, 'script.json'), JSON.stringify(script));
  }

  write(file: string, content: string): void {
    const full = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.dir, file), 'utf8');
  }

  git(...args: string[]): string {
    return git(this.dir, ...args);
  }

  /** Prompts the agent received, in order, with their keys (e.g. "IMPLEMENT-m1"). */
  prompts(): { key: string; text: string }[] {
    return fs.readdirSync(this.stateDir).filter((f) => f.startsWith('prompt-')).sort().map((f) => ({
      key: f.replace(/^prompt-\d+-/, '').replace(/\.txt$/, ''),
      text: fs.readFileSync(path.join(this.stateDir, f), 'utf8'),
    }));
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { AGENT_SCRIPT: path.join(this.stateDir, 'script.json'), AGENT_STATE_DIR: this.stateDir, NO_COLOR: '1', ...extra };
  }

  async runr(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<RunrResult> {
    const r = await execa(process.execPath, [RUNR_BIN, ...args], {
      cwd: opts.cwd ?? this.dir,
      env: { ...this.env(), ...opts.env },
      reject: false,
      timeout: opts.timeoutMs ?? 60_000,
      stdin: 'ignore',
    });
    return result(r.exitCode ?? -1, r.stdout, r.stderr);
  }

  runDir(runId: string): string {
    return path.join(this.dir, '.runr', 'runs', runId);
  }

  events(runId: string): any[] {
    return fs.readFileSync(path.join(this.runDir(runId), 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  }
}

export function result(exitCode: number, stdout: string, stderr: string): RunrResult {
  return {
    exitCode,
    stdout,
    stderr,
    json(schema) {
      try {
        const value = JSON.parse(stdout);
        return schema ? schema.parse(value) : value;
      } catch (err) {
        throw new Error(`stdout is not the expected JSON (${(err as Error).message}):\n${stdout}\nstderr:\n${stderr}`);
      }
    },
    lines() {
      return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
  };
}

/** Starts a run with --json and returns its id, asserting the start line. */
export async function startRun(repo: TestRepo, extra: string[] = [], env: Record<string, string> = {}) {
  const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json', ...extra], { env });
  const first = r.stdout.split('\n')[0] ?? '';
  let runId = '';
  try {
    runId = JSON.parse(first).run_id;
  } catch {
    throw new Error(`no start line: exit ${r.exitCode}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return { ...r, runId };
}
