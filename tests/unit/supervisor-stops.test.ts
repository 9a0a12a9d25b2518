// The supervisor driven in-process through fake ports (no git, no processes): every stop reason a run
// can reach, and what it tells the operator to do next.
import { describe, expect, it } from 'vitest';
import { STOP_REASON_NAMES, STOP_REASONS, type StopReason } from '../../src/contracts/stop-reasons.js';
import { readJournal } from '../../src/store/journal.js';
import { rebuildState } from '../../src/engine/run-store.js';
import { STOP_AT_REPEATS } from '../../src/engine/signatures.js';
import { fakeRun, outcome, type WorldScript } from '../helpers/fake-ports.js';
import { R, type runInit } from './machine-fixtures.js';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import { locateState } from '../../src/store/run-location.js';

const tempDir = tempDirsRemovedAfterEach('runr-ports-');

type Case = { script: WorldScript; init?: Parameters<typeof runInit>[0]; detail?: RegExp; calls?: string[] };

/** One way to reach each stop reason the supervisor itself can end a run with. */
const CASES: Record<Exclude<StopReason, (typeof NOT_FROM_ONE_RUN)[number]>, Case> = {
  complete: {
    script: {},
    calls: ['prepare', 'PLAN', 'IMPLEMENT m1 a1', 'guard IMPLEMENT m1', 'verify m1', 'guard VERIFY m1', 'REVIEW m1 a1', 'checkpoint m1', 'finalize'],
  },
  verification_failed_max_retries: {
    script: { verify: [R.verifyFail('one'), R.verifyFail('two'), R.verifyFail('three')] },
    detail: /node check\.js exited with 1 \(3 failed attempts\)/,
  },
  verification_command_missing: {
    script: { verify: [R.verifyFail('sh: npm: not found', { missing_program: 'npm' })] },
    detail: /npm is not installed/,
    calls: ['prepare', 'PLAN', 'IMPLEMENT m1 a1', 'guard IMPLEMENT m1', 'verify m1', 'finalize'],
  },
  stalled_timeout: { script: { IMPLEMENT: [outcome('stalled')] } },
  max_ticks_reached: { script: {}, init: { options: { max_ticks: 2 } }, detail: /2 steps performed/ },
  time_budget_exceeded: {
    script: { callMs: 121 * 60_000 }, detail: /time budget of 120 min ran out/,
    calls: ['prepare', 'PLAN', 'finalize'],
  },
  implement_blocked: { script: { IMPLEMENT: [R.worker({ status: 'blocked', summary: 'the API key is missing' })] } },
  worker_failed: { script: { IMPLEMENT: Array(6).fill(outcome('crashed')) } },
  quota_wait: {
    script: { IMPLEMENT: [outcome('rate_limited', { retry_after_s: 3 * 3600 })] },
    detail: /rate limited until .* after the time budget ends/,
  },
  repeated_failure: {
    script: { verify: Array(STOP_AT_REPEATS + 1).fill(R.verifyFail('the same assertion')) },
    init: { config: { limits: { max_verify_retries: 10 } } },
    detail: new RegExp(`the same failure ${STOP_AT_REPEATS} times in a row`),
  },
  guard_violation: {
    script: { guard: [{ kind: 'guard', ok: false, violations: [{ path: '.env', rule: 'denylist' }], changed: 1 }] },
    detail: /\.env/,
    calls: ['prepare', 'PLAN', 'IMPLEMENT m1 a1', 'guard IMPLEMENT m1', 'finalize'],
  },
  plan_scope_violation: {
    script: { PLAN: [R.worker({ milestones: [{ goal: 'g', files_expected: ['infra/prod.tf'], done_checks: [] }] })] },
    init: { config: { scope: { allowlist: ['src/**'] } } },
    detail: /infra\/prod\.tf/,
  },
  review_loop_detected: { script: { REVIEW: Array(5).fill(R.changes('rename x')) } },
  awaiting_approval: { script: {}, init: { config: { approvals: ['plan'] } }, calls: ['prepare', 'PLAN', 'finalize'] },
  budget_exceeded: {
    script: { PLAN: [R.worker({ milestones: [{ goal: 'g', files_expected: [], done_checks: [] }] }, { usage: { cost_usd: 2 } })] },
    init: { options: { budget_usd: 1 } },
    detail: /reached the budget of \$1/,
  },
  plan_rejection: { script: { PLAN: Array(4).fill(R.worker({ steps: 'not a plan' })) } },
  config_invalid: {
    script: { prepare: [{ kind: 'prepare_workspace', ok: false, stop: 'config_invalid', detail: 'the run config changed' }] },
    calls: ['prepare', 'finalize'],
  },
  worker_missing: { script: { PLAN: [outcome('missing')] } },
  worker_auth_failed: { script: { PLAN: [outcome('auth_failed', { fix: 'set ANTHROPIC_API_KEY' })] } },
  worker_tampered: {
    script: { tampered: [[], ['refs/heads/main moved']] },
    detail: /refs\/heads\/main moved/,
    calls: ['prepare', 'PLAN', 'IMPLEMENT m1 a1', 'finalize'],
  },
  branch_mismatch: {
    script: { checkpoint: [{ kind: 'checkpoint', ok: false, stop: 'branch_mismatch', detail: 'branch runr/x moved' }] },
    detail: /moved/,
  },
  // Stops the executor journals itself: supervisor-ports.test.ts.
  interrupted: { script: {} },
  disk_full: { script: {} },
};
/** Decided above a single run (orchestrate: a task's collision gate, the integration branch), never by its supervisor. */
const NOT_FROM_ONE_RUN = ['parallel_file_collision', 'ownership_violation', 'merge_conflict', 'integration_failed'] as const;
const JOURNALED_BY_EXECUTOR = new Set<StopReason>(['interrupted', 'disk_full']);

describe('every stop reason through fake ports', () => {
  it('each stop reason is either reachable here or named as decided elsewhere', () => {
    expect(new Set([...Object.keys(CASES), ...NOT_FROM_ONE_RUN])).toEqual(new Set(STOP_REASON_NAMES));
  });

  for (const [reason, c] of Object.entries(CASES) as [StopReason, Case][]) {
    if (JOURNALED_BY_EXECUTOR.has(reason)) continue;
    it(`${reason}: stops finalized, with the registry's next action and a state the journal rebuilds`, async () => {
      const run = fakeRun(tempDir(), c.script, c.init);
      const state = await run.execute();
      const report = run.report();
      expect(state.phase).toBe('STOPPED');
      expect(state.stop_reason).toBe(reason);
      expect(state.finalized).toBe(true);
      expect(report.outcome).toBe(reason === 'complete' ? 'complete' : 'stopped');
      expect(report.next_action).toBe(STOP_REASONS[reason].nextAction);
      if (c.detail) expect(state.stop_detail).toMatch(c.detail);
      if (c.calls) expect(run.world.calls).toEqual(c.calls);
      // A resumable stop keeps the work a resume performs again.
      if (STOP_REASONS[reason].resumable) expect(state.queue.resume_effect).not.toBeNull();
      // The journal alone rebuilds the same state.
      expect(locateState(rebuildState(run.dir).state!, run.dir)).toEqual(state);
      expect(readJournal(run.dir).events.at(-1)).toMatchObject({ type: 'effect_result', result: { kind: 'finalize' } });
    });
  }
});
