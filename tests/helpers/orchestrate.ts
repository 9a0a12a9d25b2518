/** Orchestration e2e helpers: repositories whose workers are tests/agents/track-agent.mjs, tracks files, the agent's log. */
import fs from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, expect } from 'vitest';
import { stringify } from 'yaml';
import type { z } from 'zod';
import {
  OrchStartOutputSchema, OrchStatusOutputSchema, OrchWaitOutputSchema, type OrchStatusOutput, type OrchWaitOutput,
} from '../../src/contracts/orchestration-outputs.js';
import { agentProcesses } from './e2e-support.js';
import { until as pollUntil } from './crash.js';
import { result, ROOT, RUNR_BIN, TestRepo, type RunrResult } from './harness.js';

export const TRACK_AGENT = path.join(ROOT, 'tests', 'agents', 'track-agent.mjs');

/** What the track agent does for a task (see tests/agents/track-agent.mjs). */
export interface AgentDirectives {
  plan?: { goal: string; files_expected?: string[]; write?: Record<string, string> }[];
  write?: Record<string, string>;
  sleep_ms?: number;
  rate_limited_calls?: number;
  /** retry_after_s of the rate_limited answers (default 1). */
  retry_after_s?: number;
  fix_conflicts?: boolean;
  /** IMPLEMENT waits until the test opens this gate (openGate); gateReached tells when it got there. */
  gate?: string;
}

export interface TaskSpec {
  title: string;
  agent?: AgentDirectives;
  frontMatter?: Record<string, unknown>;
}

/**
 * A task whose worker writes `files`, confined to them (allowlist_add): a --fast task without a plan is
 * otherwise taken to touch anything, and would never implement while another task does.
 */
export function writer(title: string, files: Record<string, string>, more: Omit<AgentDirectives, 'write'> = {}): TaskSpec {
  return { title, agent: { write: files, ...more }, frontMatter: { allowlist_add: Object.keys(files) } };
}

type Dep = string | { on: string; when: 'complete' | 'stopped' | 'always' };
export interface TrackSpec {
  id: string;
  depends_on?: Dep[];
  tasks: (string | ({ path: string } & Record<string, unknown>))[];
}

/** A task file in the operator guide's format, with the agent's directives in its Notes. */
export function taskMarkdown(spec: TaskSpec): string {
  const fm = spec.frontMatter ? `---\n${stringify(spec.frontMatter)}---\n` : '';
  const block = spec.agent ? `\n\`\`\`agent\n${JSON.stringify(spec.agent)}\n\`\`\`\n` : '';
  return `${fm}# ${spec.title}

## Goal
${spec.title}.

## Requirements
- what the notes' agent block says

## Success Criteria
- node check.js passes

## Notes
${block}`;
}

export function tracksYaml(tracks: TrackSpec[]): string {
  return stringify({ tracks: tracks.map((t) => ({ ...t, tasks: t.tasks.map((x) => (typeof x === 'string' ? { path: x } : x)) })) });
}

export interface OrchRepoOptions {
  /** Task files by path (e.g. "tasks/a1.md"). */
  tasks: Record<string, TaskSpec>;
  tracks: TrackSpec[];
  /** Committed files besides the tasks (check.js passes by default). */
  files?: Record<string, string>;
  /** Merged over the orchestration test config. */
  config?: Record<string, unknown>;
}

/** A repository with committed task files and tracks.yaml, workers = the track agent, tier0 = `node check.js`. */
export class OrchRepo extends TestRepo {
  readonly agentLog: string;

  constructor(opts: OrchRepoOptions) {
    super({ files: opts.files });
    this.agentLog = path.join(this.stateDir, 'track-agent.ndjson');
    const worker = { type: 'command', command: ['node', TRACK_AGENT], env: { TRACK_AGENT_LOG: this.agentLog } };
    this.writeConfig({
      workers: { planner: worker, implementer: worker, reviewer: worker },
      verification: { tier0: ['node check.js'], tier1: [], tier2: [] },
      ...opts.config,
    });
    for (const [file, spec] of Object.entries(opts.tasks)) this.write(file, taskMarkdown(spec));
    this.write('tracks.yaml', tracksYaml(opts.tracks));
    this.git('add', '-A', '--', '.', ':!.runr');
    this.git('commit', '-q', '-m', 'tasks and tracks');
  }

  orchestrate(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunrResult> {
    return this.runr(['orchestrate', ...args], { timeoutMs: 180_000, ...opts });
  }

  /** `orchestrate run --config tracks.yaml --json …` in the foreground, to its end. */
  async run(extra: string[] = [], opts: { env?: Record<string, string>; timeoutMs?: number } = {}) {
    const r = await this.orchestrate(['run', '--config', 'tracks.yaml', '--json', ...extra], opts);
    return withLines(r);
  }

  async status(id: string): Promise<OrchStatus> {
    const r = await this.orchestrate(['status', id, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.json(OrchStatusOutputSchema);
  }

  async wait(id: string, timeoutS = 170): Promise<RunrResult & { out: WaitOut }> {
    const r = await this.orchestrate(['wait', id, '--json', '--timeout', String(timeoutS)]);
    return { ...r, out: OrchWaitOutputSchema.parse(JSON.parse(r.stdout.trim().split('\n').at(-1) ?? 'null')) };
  }

  /** Every call the track agent logged, oldest first. */
  calls(): AgentCall[] {
    if (!fs.existsSync(this.agentLog)) return [];
    return fs.readFileSync(this.agentLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  callsOf(title: string, phase?: string): AgentCall[] {
    return this.calls().filter((c) => c.title === title && (!phase || c.phase === phase));
  }

  gateReached(gate: string): boolean {
    return fs.existsSync(path.join(this.stateDir, `gate-${gate}.reached`));
  }

  openGate(gate: string): void {
    fs.writeFileSync(path.join(this.stateDir, `gate-${gate}.open`), '');
  }

  orchDir(id: string): string {
    return path.join(this.dir, '.runr', 'orchestrations', id);
  }

  orchEvents(id: string): any[] {
    return fs.readFileSync(path.join(this.orchDir(id), 'events.ndjson'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  /** Paths in a branch's tree. */
  filesIn(ref: string): string[] {
    return this.git('ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean);
  }

  /** Removes the repository's temp directory (the harness leaves it by default). */
  remove(): void {
    fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}

/** A maker of OrchRepos, each removed after its test when the test passed (a failing test's repository is kept to inspect). */
export function orchRepos(): (opts: OrchRepoOptions) => OrchRepo {
  const made: OrchRepo[] = [];
  afterEach((ctx) => {
    const keep = ctx.task.result?.state === 'fail';
    for (const repo of made.splice(0)) {
      if (keep) console.error(`kept ${repo.dir}`);
      else repo.remove();
    }
  });
  return (opts) => {
    const repo = new OrchRepo(opts);
    made.push(repo);
    return repo;
  };
}

export interface AgentCall {
  title: string;
  phase: 'PLAN' | 'IMPLEMENT' | 'REVIEW';
  run_id: string;
  milestone: number;
  attempt: number;
  start_ms: number;
  end_ms: number;
  pid: number;
  result: string;
}

export type OrchStatus = OrchStatusOutput;
export type OrchTask = OrchStatusOutput['tasks'][number];
export type WaitOut = OrchWaitOutput;
export type StartLine = z.infer<typeof OrchStartOutputSchema>;

/** The first stdout line (the start line) and the last (the wait output) of an `orchestrate run --json`. */
export function withLines(r: RunrResult): RunrResult & { start: StartLine; end: WaitOut } {
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  const parse = (l: string | undefined) => {
    try {
      return JSON.parse(l ?? '');
    } catch {
      throw new Error(`not a JSON line: ${l}\nexit ${r.exitCode}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    }
  };
  return { ...r, start: OrchStartOutputSchema.parse(parse(lines[0])), end: OrchWaitOutputSchema.parse(parse(lines.at(-1))) };
}

/**
 * `orchestrate resume --json` to its end: the first line names the orchestration ({orchestration_id, orch_dir,
 * status: "resumed"}; no contract schema covers it), the last is the wait output.
 */
export async function resumeOrch(repo: OrchRepo, id: string): Promise<RunrResult & { end: WaitOut }> {
  const r = await repo.orchestrate(['resume', id, '--json']);
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  expect(JSON.parse(lines[0] ?? '{}'), r.stdout + r.stderr).toEqual({ orchestration_id: id, orch_dir: repo.orchDir(id), status: 'resumed' });
  return { ...r, end: OrchWaitOutputSchema.parse(JSON.parse(lines.at(-1)!)) };
}

export const taskOf = (s: OrchStatus, key: string): OrchTask => {
  const t = s.tasks.find((x) => x.key === key);
  if (!t) throw new Error(`no task ${key} in ${s.tasks.map((x) => x.key).join(', ')}`);
  return t;
};

/** Time intervals of one task's worker calls (all phases). */
export function span(calls: AgentCall[]): { start: number; end: number } {
  expect(calls.length).toBeGreaterThan(0);
  return { start: Math.min(...calls.map((c) => c.start_ms)), end: Math.max(...calls.map((c) => c.end_ms)) };
}

export const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/**
 * A foreground `orchestrate` command the test can kill -9. Its workers go too (as they would when a
 * machine dies): a confined worker dies with its parent, an unconfined one is killed by the test.
 */
export interface SpawnedOrchestrate {
  firstLine: Promise<StartLine>;
  /** Its end (exit code -1 when killed). */
  done: Promise<RunrResult>;
  /** SIGKILLs it and its workers; resolves at its end. */
  kill9(): Promise<RunrResult>;
}

export function spawnOrchestrate(repo: OrchRepo, args: string[], env: Record<string, string> = {}): SpawnedOrchestrate {
  const child: ResultPromise = execa(process.execPath, [RUNR_BIN, 'orchestrate', ...args], {
    cwd: repo.dir, env: { ...repo.env(), ...env }, reject: false, stdin: 'ignore', timeout: 180_000,
  });
  const done = child.then((r) => result(r.exitCode ?? -1, String(r.stdout), String(r.stderr)));
  let out = '';
  const firstLine = new Promise<StartLine>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(OrchStartOutputSchema.parse(JSON.parse(out.slice(0, nl))));
    });
    void done.then((r) => reject(new Error(`orchestrate ended before its start line: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`)));
  });
  firstLine.catch(() => {}); // awaited by the test when it needs it
  return {
    firstLine,
    done,
    kill9: async () => {
      for (const pid of [child.pid!, ...agentProcesses(repo)]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch { /* already gone */ }
      }
      return done;
    },
  };
}

/** Polls until `fn` returns a truthy value (crash.ts's poll, with an orchestration's longer patience). */
export function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 60_000, everyMs = 100): Promise<NonNullable<T>> {
  return pollUntil(fn, what, timeoutMs, everyMs);
}

/** `Runr-Checkpoint` trailers reachable from a ref (each checkpoint commit of every run merged into it). */
export function checkpointTrailers(repo: TestRepo, ref: string): string[] {
  const bodies = repo.git('log', '--format=%B%x00', ref);
  return [...bodies.matchAll(/^Runr-Checkpoint: (\S+)$/gm)].map((m) => m[1]!);
}
