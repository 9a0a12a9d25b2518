import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { ReportOutputSchema, StatusOutputSchema, type ReportOutput, type StatusOutput } from '../../src/contracts/outputs.js';
import { AGENT, startRun, TestRepo, type Script, type Step } from './harness.js';

/** The scripted agent's extra observation steps (see tests/agents/scripted-agent.mjs). */
export type XStep = Step & {
  dump_env?: string;
  pid_file?: string;
  spawn_sleeper?: string;
  print_env?: string[];
  exec?: string[][];
  exec_log?: string;
  try_write?: Record<string, string>;
  try_kill_runr?: boolean;
  try_connect?: string[];
};
export type XScript = Record<string, XStep[]>;

/** A repository whose workers get the scripted agent's settings from the config: runs the library executes in the test's process find them. */
export function libraryRepo(script: Script): TestRepo {
  const repo = new TestRepo({ script });
  const worker = { type: 'command', command: ['node', AGENT], env: repo.env() };
  repo.writeConfig({ workers: { planner: worker, implementer: worker, reviewer: worker } });
  return repo;
}

/** A check.js that fails its first `failures` runs (counted in a file outside the repository). */
export function flakyCheck(counter: string, failures: number): string {
  return `const fs = require('fs');
const n = fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0;
fs.writeFileSync(${JSON.stringify(counter)}, String(n + 1));
if (n < ${failures}) { console.error('flaky failure ' + (n + 1)); process.exit(1); }
`;
}

/** A check.js that always fails, with a different error every time (repeated failures would stop a run with repeated_failure). */
export function failingCheckWithNewErrors(counter: string): string {
  return `const fs = require('fs'); const f = ${JSON.stringify(counter)};
const n = fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8')) : 0; fs.writeFileSync(f, String(n + 1));
console.error('failure ' + 'abcdefghijklmnop'.slice(n, n + 3)); process.exit(1);
`;
}

export async function statusOf(repo: TestRepo, runId: string, env: Record<string, string> = {}): Promise<StatusOutput> {
  const r = await repo.runr(['status', runId, '--json'], { env });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.json(StatusOutputSchema);
}

export async function reportOf(repo: TestRepo, runId: string): Promise<ReportOutput> {
  const r = await repo.runr(['report', runId, '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.json(ReportOutputSchema);
}

/** Runs the task in a worktree to its end; returns the exit code, the run id, status and report. */
export async function runToEnd(repo: TestRepo, extra: string[] = [], env: Record<string, string> = {}) {
  const started = await startRun(repo, extra, env);
  const status = await statusOf(repo, started.runId);
  const report = await reportOf(repo, started.runId);
  return { ...started, status, report };
}

/** Keys of the prompts the agent received, in order (e.g. ["PLAN", "IMPLEMENT-m1", "REVIEW"]). */
export function promptKeys(repo: TestRepo): string[] {
  return repo.prompts().map((p) => p.key);
}

/** Every prompt of one phase (the scripted agent keys them "PLAN", "IMPLEMENT", "IMPLEMENT-m2", …). */
export function promptsOf(repo: TestRepo, phase: 'PLAN' | 'IMPLEMENT' | 'REVIEW'): string[] {
  return repo.prompts().filter((p) => p.key === phase || p.key.startsWith(`${phase}-`)).map((p) => p.text);
}

/** A file the agent wrote into its state directory. */
export function agentFile(repo: TestRepo, name: string): string {
  return fs.readFileSync(path.join(repo.stateDir, name), 'utf8');
}

export function worktreeOf(repo: TestRepo, runId: string): string {
  return path.join(repo.dir, '.runr', 'worktrees', runId);
}

/** A stop before anything was committed: run branch still at main's commit, main and its working tree untouched. */
export function expectNothingCommitted(repo: TestRepo, runId: string, mainSha: string): void {
  expect(repo.git('rev-parse', 'main')).toBe(mainSha);
  expect(repo.git('rev-parse', `runr/${runId}`)).toBe(mainSha);
  expect(repo.git('status', '--porcelain')).toBe('');
  expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
}

/** A guard stop, checked in status, report and git. */
export async function expectGuardStop(repo: TestRepo, run: { runId: string; exitCode: number; stderr: string }, files: string[], mainSha: string) {
  expect(run.exitCode, run.stderr).toBe(1);
  const status = await statusOf(repo, run.runId);
  expect(status.stop_reason).toBe('guard_violation');
  expect(status.next_action).toBe('resolve_scope_violation');
  expect([...(status.guard_violation_files ?? [])].sort()).toEqual([...files].sort());
  const report = await reportOf(repo, run.runId);
  expect(report.stop_reason).toBe('guard_violation');
  expect(report.next_action).toBe('resolve_scope_violation');
  expect([...(report.guard_violation_files ?? [])].sort()).toEqual([...files].sort());
  expect(report.milestones.completed).toBe(0);
  expectNothingCommitted(repo, run.runId, mainSha);
  return { status, report };
}

/** Paths of the files a commit changed. */
export function filesOf(repo: TestRepo, rev: string): string[] {
  return repo.git('show', '--no-renames', '--name-only', '--format=', rev).split('\n').filter(Boolean).sort();
}

/** True while a process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Every file under `dir` (recursively), skipping `skip` directory names. */
export function filesUnder(dir: string, skip: string[] = []): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.includes(entry.name)) out.push(...filesUnder(full, skip));
    } else if (entry.isFile()) out.push(full);
  }
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Live processes of this test's runs: runr, its workers (and bwrap around them) and whatever they
 * spawned all carry the test's AGENT_STATE_DIR. Found by environment: a confined agent sees only its
 * own pid namespace, so the pid it reports (pid_file) is not the host's.
 */
export function agentProcesses(repo: TestRepo): number[] {
  const needle = `AGENT_STATE_DIR=${repo.stateDir}\0`;
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      return alive(pid) && fs.readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle);
    } catch {
      return false;
    }
  });
}
