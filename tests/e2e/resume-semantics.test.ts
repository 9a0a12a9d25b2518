import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorOutputSchema } from '../../src/contracts/outputs.js';
import { git, plan, startRun, TestRepo } from '../helpers/harness.js';
import {
  checkpointTrailers, expectCompleteTwoMilestoneRun, expectOneLineError, expectStateMatchesJournal, promptKeys,
  statusOf, TWO_MILESTONE_KEYS, twoMilestoneScript,
} from '../helpers/crash.js';

/** A refusal: exit 5, one line naming the reason and what to do, and nothing journaled or left locked. */
async function expectRefused(repo: TestRepo, runId: string, args: string[] = []) {
  const before = repo.events(runId).length;
  const r = await repo.runr(['resume', runId, ...args]);
  expect(r.exitCode, r.stderr + r.stdout).toBe(5);
  expectOneLineError(r);
  expect(repo.events(runId)).toHaveLength(before);
  expect(fs.existsSync(path.join(repo.runDir(runId), 'lease.json'))).toBe(false);
  const j = await repo.runr(['resume', runId, '--json', ...args]);
  expect(j.exitCode).toBe(5);
  expect(j.json(ErrorOutputSchema).error.code).toBe('not_resumable');
  return r.stderr;
}

describe('resume refuses what it must not continue', () => {
  it('a complete run: exit 5', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const r = await startRun(repo);
    expect(r.exitCode, r.stderr).toBe(0);
    const message = await expectRefused(repo, r.runId);
    expect(message).toContain('complete');
    expect(await expectRefused(repo, r.runId, ['--force'])).toContain('complete');
    expectStateMatchesJournal(repo, r.runId);
  });

  it('guard_violation (the implementer wrote .env): exit 5 naming the reason and the next step; --force after the fix continues', async () => {
    const repo = new TestRepo({
      script: twoMilestoneScript({
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'export const a = 1;\n', '.env': 'SECRET=1\n' }, result: { status: 'ok', summary: 'a' } }],
      }),
    });
    const first = await startRun(repo);
    expect(first.exitCode, first.stderr).toBe(1);
    const s = await statusOf(repo, first.runId);
    expect(s).toMatchObject({ stop_reason: 'guard_violation', guard_violation_files: ['.env'], next_action: 'resolve_scope_violation' });

    const message = await expectRefused(repo, first.runId);
    expect(message).toContain('guard_violation');
    expect(message).toContain(`runr resume ${first.runId} --force`);

    fs.rmSync(path.join(s.worktree_path, '.env'));
    const r = await repo.runr(['resume', first.runId, '--force']);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, first.runId);
    expect(repo.git('ls-tree', '-r', '--name-only', `runr/${first.runId}`)).not.toContain('.env');
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS); // the implementer's work was kept, not redone
    const resumed = repo.events(first.runId).find((e) => e.type === 'run_resumed');
    expect(resumed).toMatchObject({ force: true });
  });
});

describe('resume --force and the scope a run started with', () => {
  it('re-reads workers and limits, never a widened scope: the out-of-scope file still stops the run', async () => {
    const repo = new TestRepo({
      config: { scope: { allowlist: ['src/**'], denylist: [], presets: [], protect: [] } },
      script: twoMilestoneScript({
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'export const a = 1;\n', 'lib/x.js': 'x\n' }, result: { status: 'ok', summary: 'a' } }],
      }),
    });
    const first = await startRun(repo);
    expect((await statusOf(repo, first.runId)).guard_violation_files).toEqual(['lib/x.js']);

    const configFile = path.join(repo.dir, '.runr', 'runr.config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    fs.writeFileSync(configFile, JSON.stringify({ ...config, scope: { ...config.scope, allowlist: ['**'] }, limits: { ...config.limits, max_verify_retries: 7 } }));
    const r = await repo.runr(['resume', first.runId, '--force']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('config.scope.allowlist');
    expect(r.stdout).toContain('keeps the ones it started with');
    const s = await statusOf(repo, first.runId);
    expect(s).toMatchObject({ stop_reason: 'guard_violation', guard_violation_files: ['lib/x.js'] });
    expect(repo.git('ls-tree', '-r', '--name-only', `runr/${first.runId}`)).not.toContain('lib/x.js');
    const resumed = repo.events(first.runId).find((e) => e.type === 'run_resumed');
    expect(resumed.config.scope.allowlist).toEqual(['src/**']);
    expect(resumed.config.limits.max_verify_retries).toBe(7);
  });
});

describe('budget_exceeded', () => {
  it('stops before the next worker call; resume --budget-usd with a higher budget continues', async () => {
    const repo = new TestRepo({
      script: twoMilestoneScript({ PLAN: [{ result: { ...plan('add a', 'add b'), usage: { input_tokens: 10, output_tokens: 5, cost_usd: 0.02 } } }] }),
    });
    const first = await startRun(repo, ['--budget-usd', '0.01']);
    expect(first.exitCode, first.stderr).toBe(1);
    const s = await statusOf(repo, first.runId);
    expect(s).toMatchObject({ stop_reason: 'budget_exceeded', next_action: 'fix_config' });
    expect(s.suggested_command).toContain('--budget-usd');
    expect(promptKeys(repo)).toEqual(['PLAN']);

    // Without a higher budget nothing more is spent: either refused, or stopped again before any worker call.
    const same = await repo.runr(['resume', first.runId]);
    expect(same.exitCode).not.toBe(0);
    expect(promptKeys(repo)).toEqual(['PLAN']);
    expect((await statusOf(repo, first.runId)).stop_reason).toBe('budget_exceeded');

    const r = await repo.runr(['resume', first.runId, '--budget-usd', '1']);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, first.runId);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
    const report = (await repo.runr(['report', first.runId, '--json'])).json();
    expect(report.usage.total.cost_usd).toBeCloseTo(0.02);
  });
});

describe('branch_mismatch', () => {
  it('a commit made by hand on runr/<id> while the run is stopped stops the resume; --force after resetting the branch completes it', async () => {
    const repo = new TestRepo({
      script: twoMilestoneScript({
        'IMPLEMENT:m2': [
          { result: { status: 'blocked', blocked_reason: 'need a decision' } },
          { write: { 'src/b.js': 'export const b = 2;\n' }, result: { status: 'ok', summary: 'b' } },
        ],
      }),
    });
    const first = await startRun(repo);
    expect(first.exitCode, first.stderr).toBe(1);
    const blocked = await statusOf(repo, first.runId);
    expect(blocked).toMatchObject({ stop_reason: 'implement_blocked', next_action: 'resume' });
    const checkpoint = blocked.checkpoint_sha!;
    expect(checkpointTrailers(repo, first.runId)).toEqual([`${first.runId}/m1`]);

    // Someone commits onto the run branch (in its worktree) behind runr's back.
    const wt = blocked.worktree_path;
    fs.writeFileSync(path.join(wt, 'manual.txt'), 'by hand\n');
    git(wt, 'add', 'manual.txt');
    git(wt, 'commit', '-q', '-m', 'manual change');

    const r = await repo.runr(['resume', first.runId]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(1);
    const s = await statusOf(repo, first.runId);
    expect(s).toMatchObject({ stop_reason: 'branch_mismatch', next_action: 'resolve_branch_mismatch' });
    expect(s.stop_detail).toContain(checkpoint.slice(0, 12));
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT-m1', 'REVIEW-m1', 'IMPLEMENT-m2']); // nothing ran on the moved branch
    expect(await expectRefused(repo, first.runId)).toContain('branch_mismatch');

    git(wt, 'reset', '-q', '--hard', checkpoint);
    const fixed = await repo.runr(['resume', first.runId, '--force']);
    expect(fixed.exitCode, fixed.stderr + fixed.stdout).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, first.runId);
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT-m1', 'REVIEW-m1', 'IMPLEMENT-m2', 'IMPLEMENT-m2', 'REVIEW-m2']);
  });
});
