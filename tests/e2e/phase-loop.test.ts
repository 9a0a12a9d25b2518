import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve, ok, plan, TestRepo } from '../helpers/harness.js';
import { agentProcesses, expectNothingCommitted, filesOf, promptKeys, promptsOf, reportOf, runToEnd, statusOf } from '../helpers/e2e-support.js';

/** The phase loop (SPEC §4): review rounds, --fast, blocked implementers, plan checks, limits. */

const changes = (...comments: string[]) => ({ verdict: 'request_changes', comments });
const limits = (over: Record<string, number>) => ({
  limits: { stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1, ...over },
});

describe('review', () => {
  it('request_changes sends the comments back to the implementer; approve then checkpoints the fixed work', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: plan('add greet') }],
        IMPLEMENT: [
          { write: { 'src/greet.js': 'export const helper = 1;\n' }, result: ok() },
          { write: { 'src/greet.js': 'export const greetUser = 1;\n' }, result: ok() },
        ],
        REVIEW: [{ result: changes('Rename helper to greetUser') }, { result: approve() }],
      },
    });
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.stop_reason).toBe('complete');
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT', 'REVIEW', 'IMPLEMENT', 'REVIEW']);
    const [firstImpl, secondImpl] = promptsOf(repo, 'IMPLEMENT');
    expect(firstImpl).not.toContain('Rename helper to greetUser');
    expect(secondImpl).toContain('Rename helper to greetUser');
    const secondReview = promptsOf(repo, 'REVIEW')[1]!;
    expect(secondReview).toContain('Rename helper to greetUser');
    expect(secondReview).toContain('greetUser = 1');
    expect(repo.git('rev-list', '--count', `main..runr/${run.runId}`)).toBe('1');
    expect(repo.git('show', `runr/${run.runId}:src/greet.js`)).toBe('export const greetUser = 1;');
  });

  it('the same requested changes twice in a row stop the run with review_loop_detected', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: plan('add greet') }],
        IMPLEMENT: [{ write: { 'src/greet.js': 'x\n' }, result: ok() }],
        REVIEW: [{ result: changes('Add tests for greet') }, { result: changes('  add tests   FOR greet ') }, { result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('review_loop_detected');
    expect(run.status.next_action).toBe('inspect_logs');
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT', 'REVIEW', 'IMPLEMENT', 'REVIEW']);
    expectNothingCommitted(repo, run.runId, main);
    expect((await repo.runr(['resume', run.runId])).exitCode).toBe(5);
  });

  it('more than max_review_rounds rounds of changes stop the run with review_loop_detected', async () => {
    const repo = new TestRepo({
      config: limits({ max_review_rounds: 2 }),
      script: {
        PLAN: [{ result: plan('add greet') }],
        IMPLEMENT: [{ write: { 'src/greet.js': 'x\n' }, result: ok() }],
        REVIEW: [{ result: changes('first') }, { result: changes('second') }, { result: changes('third') }, { result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('review_loop_detected');
    expect(promptsOf(repo, 'REVIEW')).toHaveLength(3);
    expect(promptsOf(repo, 'IMPLEMENT')).toHaveLength(3);
    expectNothingCommitted(repo, run.runId, main);
  });

  it('max_review_rounds is a number of rounds allowed: 1 allows one round of changes', async () => {
    const repo = new TestRepo({
      config: limits({ max_review_rounds: 1 }),
      script: {
        PLAN: [{ result: plan('add greet') }],
        IMPLEMENT: [{ write: { 'src/greet.js': 'x\n' }, result: ok() }],
        REVIEW: [{ result: changes('one fix please') }, { result: approve() }],
      },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    expect(promptsOf(repo, 'REVIEW')).toHaveLength(2);
  });
});

describe('--fast', () => {
  it('skips PLAN and REVIEW: one milestone, the task itself', async () => {
    const repo = new TestRepo({
      script: { IMPLEMENT: [{ write: { 'src/greet.js': 'g\n' }, result: ok() }], PLAN: [{ exit: 7 }], REVIEW: [{ exit: 7 }] },
    });
    const run = await runToEnd(repo, ['--fast']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(promptKeys(repo)).toEqual(['IMPLEMENT']);
    expect(run.status.milestones).toHaveLength(1);
    expect(run.status.milestones[0]!.goal).toContain('Add src/greet.js exporting greet(name).');
    expect(run.report.phases.PLAN.count).toBe(0);
    expect(run.report.phases.REVIEW.count).toBe(0);
    expect(run.report.phases.VERIFY.count).toBe(1);
    expect(filesOf(repo, `runr/${run.runId}`)).toEqual(['src/greet.js']);
  });
});

describe('implement blocked', () => {
  it('stops with implement_blocked (resumable); resume gives the implementer its note and completes', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: plan('add greet') }],
        IMPLEMENT: [
          { result: { status: 'blocked', summary: 'stuck', blocked_reason: 'needs the API schema' } },
          { write: { 'src/greet.js': 'g\n' }, result: ok() },
        ],
        REVIEW: [{ result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('implement_blocked');
    expect(run.status.next_action).toBe('resume');
    expect(run.status.stop_detail).toContain('needs the API schema');
    expectNothingCommitted(repo, run.runId, main);

    const resumed = await repo.runr(['resume', run.runId]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT', 'IMPLEMENT', 'REVIEW']);
    expect(promptsOf(repo, 'IMPLEMENT')[1]).toContain('needs the API schema');
    expect((await statusOf(repo, run.runId)).stop_reason).toBe('complete');
  });

  it('status "failed" from the implementer is implement_blocked too', async () => {
    const repo = new TestRepo({
      script: { PLAN: [{ result: plan('add greet') }], IMPLEMENT: [{ result: { status: 'failed', summary: 'could not do it' } }] },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('implement_blocked');
    expect(run.status.stop_detail).toContain('could not do it');
  });
});

describe('plan checks', () => {
  it('a plan with no milestones gets one corrective follow-up, then plan_rejection', async () => {
    const repo = new TestRepo({ script: { PLAN: [{ result: { milestones: [] } }], IMPLEMENT: [{ result: ok() }] } });
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('plan_rejection');
    expect(run.status.next_action).toBe('fix_config');
    expect(promptKeys(repo)).toEqual(['PLAN', 'PLAN']);
    const [first, second] = promptsOf(repo, 'PLAN');
    expect(first).not.toContain('follow-up');
    expect(second).toContain('follow-up 1');
    expect(second).toContain('no milestones');
    expect(second).toContain('You are the PLANNER');
  });

  it('a planner that prints no JSON result at all gets the two completion follow-ups, then plan_rejection', async () => {
    const repo = new TestRepo({ script: { PLAN: [{ stdout: 'I would start with the parser.\n' }], IMPLEMENT: [{ result: ok() }] } });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('plan_rejection');
    expect(promptKeys(repo)).toEqual(['PLAN', 'PLAN', 'PLAN']);
    expect(run.status.stop_detail).toContain('after 2 follow-ups');
  });

  it('a corrective follow-up that returns milestones continues the run', async () => {
    const repo = new TestRepo({
      script: { PLAN: [{ result: { milestones: [] } }, { result: plan('add greet') }], IMPLEMENT: [{ write: { 'a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    expect(promptKeys(repo)).toEqual(['PLAN', 'PLAN', 'IMPLEMENT', 'REVIEW']);
  });

  it('files_expected outside the allowlist stop the run with plan_scope_violation before any implementation', async () => {
    const repo = new TestRepo({
      config: { scope: { allowlist: ['src/**'], denylist: [], presets: [], protect: [] } },
      script: {
        PLAN: [{ result: { milestones: [{ goal: 'g', files_expected: ['src/a.js', 'lib/b.js'], done_checks: [] }] } }],
        IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('plan_scope_violation');
    expect(run.status.next_action).toBe('resolve_scope_violation');
    expect(run.status.guard_violation_files).toEqual(['lib/b.js']);
    expect(promptKeys(repo)).toEqual(['PLAN']);
    expectNothingCommitted(repo, run.runId, main);
  });
});

describe('limits', () => {
  it('--max-ticks 2 stops with max_ticks_reached; resume with more ticks completes', async () => {
    const repo = new TestRepo();
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo, ['--max-ticks', '2']);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('max_ticks_reached');
    expect(run.status.next_action).toBe('resume');
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT']);
    expectNothingCommitted(repo, run.runId, main);
    const resumed = await repo.runr(['resume', run.runId, '--max-ticks', '50']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT', 'REVIEW']);
  });

  it('--time stops a slow worker with time_budget_exceeded and kills it', async () => {
    const repo = new TestRepo({
      script: { PLAN: [{ result: plan('slow') }], IMPLEMENT: [{ pid_file: 'impl.pid', sleep_ms: 20_000, result: ok() }] } as never,
    });
    const run = await runToEnd(repo, ['--time', '0.02']);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('time_budget_exceeded');
    expect(run.status.next_action).toBe('resume');
    // (On a very slow machine the budget may run out during PLAN already; then there is no implementer to check.)
    if (fs.existsSync(path.join(repo.stateDir, 'impl.pid'))) {
      expect(agentProcesses(repo)).toEqual([]);
      expect(run.status.stop_detail).toMatch(/while the worker was running/); // killed, not waited for
    }
  });
});

describe('what the workers are told', () => {
  const TASK = `# Add a greeting module

## Goal
Add src/greet.js exporting greet(name) and src/shout.js exporting shout(name).

## Requirements
- greet("x") returns "hello x" (REQ-MARKER-17)

## Success Criteria
- node check.js passes (CRIT-MARKER-42)

## Notes
Keep it tiny. (NOTE-MARKER-99)
`;

  it('planner, implementer and reviewer see the whole task; implementer and reviewer see the current milestone and plan', async () => {
    const repo = new TestRepo({
      task: TASK,
      script: {
        PLAN: [{
          result: {
            milestones: [
              { goal: 'GOAL-ONE add greet', files_expected: ['src/greet.js'], done_checks: ['CHECK-ONE greet works'] },
              { goal: 'GOAL-TWO add shout', files_expected: ['src/shout.js'], done_checks: ['CHECK-TWO shout works'] },
            ],
          },
        }],
        'IMPLEMENT:m1': [{ write: { 'src/greet.js': 'export const greet = 1;\n' }, result: ok() }],
        'IMPLEMENT:m2': [{ write: { 'src/shout.js': 'export const SHOUT_BODY = 2;\n' }, result: ok() }],
        'REVIEW:m1': [{ result: approve() }],
        'REVIEW:m2': [{ result: approve() }],
      },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    const byKey = Object.fromEntries(repo.prompts().map((p) => [p.key, p.text]));
    for (const key of ['PLAN', 'IMPLEMENT-m1', 'IMPLEMENT-m2', 'REVIEW-m1', 'REVIEW-m2']) {
      expect(byKey[key], key).toContain(TASK.trim());
    }
    const impl2 = byKey['IMPLEMENT-m2']!;
    expect(impl2).toContain('GOAL-TWO add shout');
    expect(impl2).toContain('src/shout.js');
    expect(impl2).toContain('CHECK-TWO shout works');
    expect(impl2).toContain('GOAL-ONE add greet');
    expect(impl2).not.toContain('CHECK-ONE greet works');
    expect(impl2.indexOf('GOAL-ONE')).toBeLessThan(impl2.indexOf('GOAL-TWO'));
    expect(byKey['IMPLEMENT-m1']).toContain('CHECK-ONE greet works');
    expect(byKey['IMPLEMENT-m1']).toContain('GOAL-TWO add shout');
    const review2 = byKey['REVIEW-m2']!;
    expect(review2).toContain('GOAL-TWO add shout');
    expect(review2).toContain('SHOUT_BODY = 2');
    expect(review2).not.toContain('greet = 1');
    expect(review2).toContain('node check.js');
    expect(byKey['PLAN']).toContain('node check.js');
    const report = await reportOf(repo, run.runId);
    expect(report.milestones).toEqual({ completed: 2, total: 2 });
  });
});
