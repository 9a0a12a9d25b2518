// A worker that makes the same mistake forever: strategy changes after two identical failures, the
// fourth stops the run (repeated_failure) with the signature, and watch does not resume it.
import { describe, expect, it } from 'vitest';
import { ok, plan, TestRepo } from '../helpers/harness.js';
import { reportOf, runToEnd } from '../helpers/e2e-support.js';

describe('the same failure again and again', () => {
  it('changes strategy after the second, stops after the fourth with the signature, and is not auto-resumed', async () => {
    const repo = new TestRepo({
      config: { limits: { max_verify_retries: 10, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 } },
      script: { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'export const a = 0;\n' }, result: ok('tried') }] },
    });
    repo.write('check.js', "console.error('AssertionError: expected a to be 1 (took ' + Date.now() % 1000 + ' ms)'); process.exit(1);\n");
    repo.git('commit', '-qam', 'a check that always fails the same way');

    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status).toMatchObject({ stop_reason: 'repeated_failure', next_action: 'inspect_logs' });
    const report = await reportOf(repo, run.runId);
    expect(report.failure_signature).toMatch(/^VERIFY \| node check\.js \| .*assertionerror: expected a to be # \(took # ms\)/);

    const attempts = repo.events(run.runId)
      .filter((e) => e.type === 'effect_started' && e.effect.kind === 'worker' && e.effect.phase === 'IMPLEMENT')
      .map((e) => ({ attempt: e.effect.attempt, change: e.effect.change_strategy ?? false }));
    expect(attempts).toEqual([
      { attempt: 1, change: false }, { attempt: 2, change: false }, { attempt: 3, change: true }, { attempt: 4, change: true },
    ]);
    const prompts = repo.prompts().filter((p) => p.key === 'IMPLEMENT').map((p) => p.text);
    expect(prompts.map((p) => p.includes('# Change of approach'))).toEqual([false, false, true, true]);

    const human = await repo.runr(['report', run.runId]);
    expect(human.stdout).toContain('The same failure, again and again: VERIFY | node check.js |');

    const watch = await repo.runr(['watch', run.runId, '--auto-resume', '--json', '--cooldown', '0']);
    expect(watch.exitCode).toBe(1);
    expect(JSON.parse(watch.stdout.trim())).toMatchObject({ event: 'stopped', stop_reason: 'repeated_failure' });
  });
});
