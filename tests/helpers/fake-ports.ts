// A fake world for in-process supervisor tests: every port scripted, no git, no processes.
import fs from 'node:fs';
import path from 'node:path';
import type { EffectOf, ResultOf } from '../../src/contracts/effects.js';
import type { RunInit, RunState } from '../../src/contracts/state.js';
import type { ReportOutput } from '../../src/contracts/outputs.js';
import type { EnginePorts, PerformContext } from '../../src/engine/ports/ports.js';
import { buildReport } from '../../src/engine/report.js';
import { RunStore } from '../../src/engine/run-store.js';
import { supervise, type SuperviseOptions } from '../../src/engine/supervisor.js';
import { acquireLease } from '../../src/store/lease.js';
import { readJournal } from '../../src/store/journal.js';
import { R, runInit, T0 } from '../unit/machine-fixtures.js';

type Reply<T> = T | ((ctx: PerformContext) => T | Promise<T>);
type WorkerReply = Reply<ResultOf<'worker'>>;

/** What each port answers, in order; an exhausted (or absent) list answers the happy default. */
export interface WorldScript {
  PLAN?: WorkerReply[];
  IMPLEMENT?: WorkerReply[];
  REVIEW?: WorkerReply[];
  verify?: Reply<ResultOf<'verify'>>[];
  guard?: Reply<ResultOf<'guard'>>[];
  checkpoint?: Reply<ResultOf<'checkpoint'>>[];
  prepare?: Reply<ResultOf<'prepare_workspace'>>[];
  /** What the integrity watch finds around each worker call or verification, in order ([] = nothing). */
  tampered?: string[][];
  /** Simulated time each worker call and verification takes (default 1 s). */
  callMs?: number;
}

/** A worker call that ended without a result: crashed, stalled, rate_limited, missing, auth_failed… */
export const outcome = (o: ResultOf<'worker'>['outcome'], extra: Partial<ResultOf<'worker'>> = {}): ResultOf<'worker'> =>
  ({ kind: 'worker', outcome: o, exit_code: o === 'result' ? 0 : 1, detail: `the worker ${o}`, ...extra });

/** A scripted world: records every call ("PLAN", "IMPLEMENT m1 a1", "verify m1", …) and answers from the script. */
export class FakeWorld {
  readonly calls: string[] = [];
  now = T0;
  private readonly queues: Record<string, unknown[]>;
  private checkpoints = 0;

  constructor(readonly script: WorldScript = {}) {
    this.queues = Object.fromEntries(Object.entries(script).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, [...(v as unknown[])]]));
  }

  private async next<T>(queue: string, ctx: PerformContext | null, fallback: () => T): Promise<T> {
    const reply = this.queues[queue]?.shift() as Reply<T> | undefined;
    if (reply === undefined) return fallback();
    return typeof reply === 'function' ? (reply as (c: PerformContext) => T | Promise<T>)(ctx!) : reply;
  }

  private spend(): void {
    this.now += this.script.callMs ?? 1000;
  }

  ports(): EnginePorts {
    return {
      workers: {
        call: async (effect: EffectOf<'worker'>, ctx) => {
          this.calls.push(effect.phase === 'PLAN' ? 'PLAN' : `${effect.phase} m${effect.milestone_index + 1} a${effect.attempt}${effect.followup ? ` f${effect.followup}` : ''}`);
          this.spend();
          const fallback = () => (effect.phase === 'PLAN' ? R.plan('the one milestone') : effect.phase === 'IMPLEMENT' ? R.implement() : R.approve());
          return this.next(effect.phase, ctx, fallback);
        },
      },
      verification: {
        run: async (effect, ctx) => {
          this.calls.push(`verify m${effect.milestone_index + 1}`);
          this.spend();
          return this.next('verify', ctx, R.verifyOk);
        },
      },
      guard: {
        check: async (effect, ctx) => {
          this.calls.push(`guard ${effect.after} m${effect.milestone_index + 1}`);
          return this.next('guard', ctx, () => ({ kind: 'guard', ok: true, violations: [], changed: 1, tree: effect.after === 'VERIFY' ? 't'.repeat(40) : null, empty: false }));
        },
      },
      git: {
        prepareWorkspace: async (state) => {
          this.calls.push('prepare');
          return this.next('prepare', null, () => ({ kind: 'prepare_workspace', ok: true, head_sha: state.checkpoint_sha ?? state.base_sha }));
        },
        checkpoint: async (effect, ctx) => {
          this.calls.push(`checkpoint m${effect.milestone_index + 1}`);
          return this.next('checkpoint', ctx, () => ({ kind: 'checkpoint', ok: true, sha: String(++this.checkpoints).repeat(40).slice(0, 40), reused: false }));
        },
        finalizeWorkspace: async () => {
          this.calls.push('finalize');
          return { kind: 'finalize', wip_ref: null };
        },
        watchIntegrity: async () => {
          const found = this.queues.tampered?.shift() as string[] | undefined;
          return async () => found ?? [];
        },
      },
      clock: {
        now: () => this.now,
        sleep: async (ms, signal) => {
          if (!signal?.aborted) this.now += Math.max(0, ms);
        },
      },
    };
  }
}

export interface FakeRun {
  dir: string;
  store: RunStore;
  world: FakeWorld;
  /** Supervises the run until it stops, through the world's ports. */
  execute(opts?: Partial<SuperviseOptions>): Promise<RunState>;
  report(): ReportOutput;
  /** The journal's event types, in order ("effect_started", …). */
  journalTypes(): string[];
}

/** A run in a temporary directory that is no git repository, started as `run_started` would start it. */
export function fakeRun(tmp: string, script: WorldScript = {}, init: Parameters<typeof runInit>[0] = {}): FakeRun {
  const base = runInit(init);
  const runDir = path.join(tmp, '.runr', 'runs', base.run_id);
  fs.mkdirSync(runDir, { recursive: true });
  const run: RunInit = {
    ...base,
    repo_root: tmp,
    run_dir: runDir,
    task_file: path.join(tmp, 'task.md'),
    config_path: path.join(tmp, '.runr', 'runr.config.json'),
    work_dir: path.join(tmp, '.runr', 'worktrees', base.run_id),
  };
  const world = new FakeWorld(script);
  const store = RunStore.open(runDir);
  store.append({ type: 'run_started', ts: new Date(world.now).toISOString(), run });
  return {
    dir: runDir,
    store,
    world,
    execute: async (opts = {}) => {
      const lease = acquireLease(runDir);
      if (!lease.ok) throw new Error('lease refused');
      return supervise(store, { leaseToken: lease.lease.token, ports: world.ports(), ...opts });
    },
    report: () => buildReport(store.state, { pid: null, alive: false }, new Date(world.now).toISOString()),
    journalTypes: () => readJournal(runDir).events.map((e) => e.type),
  };
}
