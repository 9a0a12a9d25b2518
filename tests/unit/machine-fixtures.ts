// Hand-built journals for unit tests of the pure run state machine (src/engine/machine.ts).
import { ConfigSchema } from '../../src/contracts/config.js';
import type { Effect, EffectResult } from '../../src/contracts/effects.js';
import type { RunEvent, RunEventInput } from '../../src/contracts/events.js';
import type { RunInit, RunOptions, RunState } from '../../src/contracts/state.js';
import { step, type StepOutput } from '../../src/engine/machine.js';

export const T0 = Date.parse('2026-01-02T03:04:05.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function runInit(opts: { options?: Partial<RunOptions>; config?: Record<string, unknown> } = {}): RunInit {
  const config = ConfigSchema.parse({
    verification: { tier2: ['node check.js'] },
    workers: { planner: { type: 'command', command: ['agent'] }, implementer: { type: 'command', command: ['agent'] }, reviewer: { type: 'command', command: ['agent'] } },
    ...opts.config,
  });
  return {
    run_id: '20260102030405',
    repo_root: '/repo',
    run_dir: '/repo/.runr/runs/20260102030405',
    task_file: '/repo/.runr/tasks/task.md',
    task: { title: 'Task', goal: 'Do the thing', requirements: '', success_criteria: '', notes: '', front_matter: {}, body: '# Task' },
    config,
    config_path: '/repo/.runr/runr.config.json',
    options: { worktree: true, fast: false, allow_deps: false, allow_dirty: false, time_budget_min: 120, max_ticks: null, budget_usd: null, ...opts.options },
    branch: 'runr/20260102030405',
    base_branch: null,
    base_sha: 'b'.repeat(40),
    work_dir: '/repo/.runr/worktrees/20260102030405',
    preexisting_dirty: [],
  };
}

type WorkerResult = Extract<EffectResult, { kind: 'worker' }>;
type VerifyResult = Extract<EffectResult, { kind: 'verify' }>;

/** Results as the supervisor would journal them. */
export const R = {
  prepare: (): EffectResult => ({ kind: 'prepare_workspace', ok: true, head_sha: 'b'.repeat(40) }),
  prepareMismatch: (): EffectResult => ({ kind: 'prepare_workspace', ok: false, stop: 'branch_mismatch', detail: 'moved' }),
  worker: (result: unknown, extra: Partial<WorkerResult> = {}): WorkerResult => ({ kind: 'worker', outcome: 'result', result, exit_code: 0, ...extra }),
  plan: (...goals: string[]) => R.worker({ milestones: goals.map((goal) => ({ goal, files_expected: [], done_checks: [] })) }),
  implement: (status: 'ok' | 'blocked' | 'failed' = 'ok', usage?: { cost_usd: number }) => R.worker({ status, summary: status, ...(usage ? { usage } : {}) }),
  approve: () => R.worker({ verdict: 'approve', comments: [] }),
  changes: (...comments: string[]) => R.worker({ verdict: 'request_changes', comments }),
  crashed: (): EffectResult => ({ kind: 'worker', outcome: 'crashed', exit_code: 1 }),
  guard: (...violations: string[]): EffectResult => ({ kind: 'guard', ok: violations.length === 0, violations: violations.map((path) => ({ path, rule: 'denylist' as const })), changed: 1 }),
  verifyOk: (): VerifyResult => ({ kind: 'verify', ok: true, commands: [{ tier: 'tier2', command: 'node check.js', exit_code: 0, duration_ms: 5, timed_out: false }], duration_ms: 5 }),
  /** `excerpt` tells failures apart (their signatures); `extra` adds to the failure (e.g. missing_program). */
  verifyFail: (excerpt = 'boom', extra: Partial<NonNullable<VerifyResult['failure']>> = {}): VerifyResult => ({
    kind: 'verify', ok: false, duration_ms: 5,
    commands: [{ tier: 'tier2', command: 'node check.js', exit_code: 1, duration_ms: 5, timed_out: false }],
    failure: { tier: 'tier2', command: 'node check.js', exit_code: 1, timed_out: false, excerpt, log_path: '/log', ...extra },
  }),
  checkpoint: (sha: string): EffectResult => ({ kind: 'checkpoint', ok: true, sha, reused: false }),
  checkpointMismatch: (): EffectResult => ({ kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: 'moved' }),
  finalize: (): EffectResult => ({ kind: 'finalize', wip_ref: null }),
};

/** A short name for an effect: "PLAN", "IMPLEMENT m1 a2", "guard(IMPLEMENT) m1", "verify m1", … */
export function nameOf(e: Effect | undefined): string {
  if (!e) return '-';
  switch (e.kind) {
    case 'worker': return e.phase === 'PLAN' ? 'PLAN' : `${e.phase} m${e.milestone_index + 1} a${e.attempt}${e.followup ? ` f${e.followup}` : ''}`;
    case 'guard': return `guard(${e.after}) m${e.milestone_index + 1}`;
    case 'verify': return `verify m${e.milestone_index + 1} a${e.attempt}`;
    case 'checkpoint': return `checkpoint m${e.milestone_index + 1}`;
    case 'wait_until': return 'wait_until';
    default: return e.kind;
  }
}

/** Builds a journal event by event, folding it through `step` as the store does. */
export class Journal {
  readonly events: RunEvent[] = [];
  state: RunState | null = null;
  now = T0;
  readonly log: string[] = [];

  constructor(run: RunInit = runInit()) {
    this.push({ type: 'run_started', ts: iso(this.now), run });
  }

  get s(): RunState {
    return this.state!;
  }

  get head(): Effect {
    const head = this.s.queue.pending[0];
    if (!head) throw new Error('nothing pending');
    return head;
  }

  push(input: RunEventInput | (Omit<RunEventInput, 'ts'> & { ts?: string })): StepOutput {
    const event = { ts: iso(this.now), ...input, seq: this.events.length + 1 } as RunEvent;
    this.events.push(event);
    const out = step(this.state, event);
    this.state = out.state;
    return out;
  }

  start(effect: Effect = this.head): StepOutput {
    return this.push({ type: 'effect_started', effect });
  }

  result(effectId: string, result: EffectResult): StepOutput {
    return this.push({ type: 'effect_result', effect_id: effectId, result });
  }

  /** Starts the head effect, lets `ms` pass, journals its result. */
  perform(result: EffectResult, ms = 1000): StepOutput {
    const effect = this.head;
    this.start(effect);
    this.now += ms;
    this.log.push(nameOf(effect));
    return this.result(effect.id, result);
  }

  resume(overrides: Extract<RunEvent, { type: 'run_resumed' }>['overrides'] = {}, ms = 1000): StepOutput {
    this.now += ms;
    return this.push({ type: 'run_resumed', pid: 1, force: false, overrides });
  }

  /** Performs effects, answering with `answer` (default: everything succeeds), until `until` holds or the run is terminal. */
  drive(answer: (e: Effect) => EffectResult | undefined = () => undefined, until: (j: Journal) => boolean = () => false): this {
    for (let i = 0; i < 500 && !(this.s.phase === 'STOPPED' && this.s.finalized) && !until(this); i++) {
      const e = this.head;
      this.perform(answer(e) ?? defaultAnswer(e));
    }
    return this;
  }
}

export function defaultAnswer(e: Effect): EffectResult {
  switch (e.kind) {
    case 'prepare_workspace': return R.prepare();
    case 'worker': return e.phase === 'PLAN' ? R.plan('one', 'two') : e.phase === 'IMPLEMENT' ? R.implement() : R.approve();
    case 'guard': return R.guard();
    case 'verify': return R.verifyOk();
    case 'checkpoint': return R.checkpoint(`${'c'.repeat(39)}${e.milestone_index + 1}`);
    case 'wait_until': return { kind: 'wait_until' };
    case 'finalize': return R.finalize();
  }
}

/** The state without the field every event touches. */
export function sansUpdatedAt(s: RunState | null): Omit<RunState, 'updated_at'> | null {
  if (!s) return s;
  const { updated_at: _u, ...rest } = s;
  return rest;
}
