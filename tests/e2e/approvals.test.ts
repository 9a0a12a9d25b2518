// Approval gates: config "approvals" parks a run after its plan or before each checkpoint until a person decides.
import { describe, expect, it } from 'vitest';
import { StatusOutputSchema, WatchEventSchema } from '../../src/contracts/outputs.js';
import { plan, TestRepo } from '../helpers/harness.js';
import { promptKeys, runToEnd, statusOf } from '../helpers/e2e-support.js';
import { checkpointTrailers, expectCompleteTwoMilestoneRun, TWO_MILESTONE_KEYS, twoMilestoneScript } from '../helpers/crash.js';

function gatedRepo(approvals: string[], script = twoMilestoneScript()) {
  const repo = new TestRepo({ script });
  const config = JSON.parse(repo.read('.runr/runr.config.json'));
  repo.write('.runr/runr.config.json', JSON.stringify({ ...config, approvals }));
  return repo;
}

async function expectAwaiting(repo: TestRepo, runId: string, gate: 'plan' | 'checkpoint') {
  const s = await statusOf(repo, runId);
  expect(s).toMatchObject({
    stop_reason: 'awaiting_approval', next_action: 'approve', suggested_command: `runr approve ${runId}`,
    waiting: { reason: 'awaiting_approval', gate },
  });
  return s;
}

describe('approval gates', () => {
  it('plan: the run waits after planning; resume refuses; approve continues without planning again', async () => {
    const repo = gatedRepo(['plan']);
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    await expectAwaiting(repo, run.runId, 'plan');
    expect(promptKeys(repo)).toEqual(['PLAN']);

    const resumed = await repo.runr(['resume', run.runId]);
    expect(resumed.exitCode).toBe(5);
    expect(resumed.stderr).toContain(`runr approve ${run.runId}, or runr reject ${run.runId} --reason`);

    const approved = await repo.runr(['approve', run.runId]);
    expect(approved.exitCode, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`Approved the plan of run ${run.runId}`);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
    await expectCompleteTwoMilestoneRun(repo, run.runId);
  });

  it('checkpoint: every milestone waits, verified and reviewed but uncommitted, until approved', async () => {
    const repo = gatedRepo(['checkpoint']);
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    await expectAwaiting(repo, run.runId, 'checkpoint');
    expect(checkpointTrailers(repo, run.runId)).toEqual([]);

    const first = await repo.runr(['approve', run.runId, '--json']);
    expect(first.exitCode).toBe(1);
    expect(JSON.parse(first.stdout.split('\n')[0]!)).toMatchObject({ run_id: run.runId, status: 'approved' });
    await expectAwaiting(repo, run.runId, 'checkpoint');
    expect(checkpointTrailers(repo, run.runId)).toHaveLength(1);

    expect((await repo.runr(['approve', run.runId])).exitCode).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, run.runId);
  });

  it('plan rejection: the planner is asked again with the reason, and the new plan waits for approval too', async () => {
    const repo = gatedRepo(['plan'], twoMilestoneScript({ PLAN: [{ result: plan('add a and b') }, { result: plan('add a', 'add b') }] }));
    const run = await runToEnd(repo);
    const rejected = await repo.runr(['reject', run.runId, '--reason', 'split it into one milestone per file']);
    expect(rejected.exitCode).toBe(1);
    await expectAwaiting(repo, run.runId, 'plan');
    const plans = repo.prompts().filter((p) => p.key === 'PLAN');
    expect(plans).toHaveLength(2);
    expect(plans[0]!.text).not.toContain('Your previous plan was rejected');
    expect(plans[1]!.text).toContain('# Your previous plan was rejected');
    expect(plans[1]!.text).toContain('The operator rejected the plan: split it into one milestone per file');

    expect((await repo.runr(['approve', run.runId])).exitCode).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, run.runId);
  });

  it('checkpoint rejection: the implementer gets the reason as review comments, and its fix waits again', async () => {
    const repo = gatedRepo(['checkpoint'], twoMilestoneScript({
      'IMPLEMENT:m1': [
        { write: { 'src/a.js': 'export const a = 0;\n' }, result: { status: 'ok', summary: 'a' } },
        { write: { 'src/a.js': 'export const a = 1;\n' }, result: { status: 'ok', summary: 'a, fixed' } },
      ],
      'REVIEW:m1': [{ result: { verdict: 'approve', comments: [] } }, { result: { verdict: 'approve', comments: [] } }],
    }));
    const run = await runToEnd(repo);
    const rejected = await repo.runr(['reject', run.runId, '--reason', 'a must be 1']);
    expect(rejected.exitCode).toBe(1);
    await expectAwaiting(repo, run.runId, 'checkpoint');
    const implement = repo.prompts().filter((p) => p.key === 'IMPLEMENT-m1');
    expect(implement).toHaveLength(2);
    expect(implement[1]!.text).toContain('The operator rejected the change: a must be 1');
    expect(checkpointTrailers(repo, run.runId)).toEqual([]);

    expect((await repo.runr(['approve', run.runId])).exitCode).toBe(1);
    expect((await repo.runr(['approve', run.runId])).exitCode).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, run.runId);
  });

  it('approve or reject of a run that is not waiting is refused (exit 5); reject needs --reason (exit 2)', async () => {
    const repo = gatedRepo([]);
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(0);
    const approved = await repo.runr(['approve', run.runId, '--json']);
    expect(approved.exitCode).toBe(5);
    expect(JSON.parse(approved.stdout).error.code).toBe('not_awaiting_approval');
    expect((await repo.runr(['reject', run.runId])).exitCode).toBe(2);
  });

  it('watch --auto-resume leaves an approval to a person', async () => {
    const repo = gatedRepo(['plan']);
    const run = await runToEnd(repo);
    const w = await repo.runr(['watch', run.runId, '--auto-resume', '--json', '--cooldown', '0']);
    expect(w.exitCode).toBe(1);
    const events = w.stdout.trim().split('\n').map((l) => WatchEventSchema.parse(JSON.parse(l)));
    expect(events.map((e) => e.event)).toEqual(['stopped']);
    expect(events[0]).toMatchObject({ stop_reason: 'awaiting_approval', next_action: 'approve', suggested_command: `runr approve ${run.runId}` });
    StatusOutputSchema.parse(await statusOf(repo, run.runId));
  });
});
