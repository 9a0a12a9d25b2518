import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { ReportOutputSchema, StartOutputSchema, StatusOutputSchema } from '../../src/contracts/outputs.js';
import { approve, ok, plan, TestRepo } from '../helpers/harness.js';

describe('a run from task file to checkpoints', () => {
  it('plans, implements, verifies, reviews and commits each milestone', async () => {
    const repo = new TestRepo({
      // Verification passes once the first milestone's file exists (and fails before: see the end).
      files: { 'check.js': "import fs from 'node:fs'; process.exit(fs.existsSync('src/a.js') ? 0 : 1)\n" },
      script: {
        PLAN: [{ result: plan('add a', 'add b') }],
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') }],
        'IMPLEMENT:m2': [{ write: { 'src/b.js': 'export const b = 2;\n' }, result: ok('b') }],
        REVIEW: [{ result: approve() }],
      },
    });
    const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const start = StartOutputSchema.parse(JSON.parse(r.stdout.trim().split('\n')[0]!));
    expect(r.stdout.trim().split('\n')).toHaveLength(1);

    const status = (await repo.runr(['status', start.run_id])).json(StatusOutputSchema);
    expect(status.stop_reason).toBe('complete');
    expect(status.milestones.map((m) => m.status)).toEqual(['complete', 'complete']);

    const report = (await repo.runr(['report', start.run_id, '--json'])).json(ReportOutputSchema);
    expect(report.outcome).toBe('complete');
    expect(report.milestones).toEqual({ completed: 2, total: 2 });
    const log = repo.git('log', '--format=%s', `runr/${start.run_id}`).split('\n');
    expect(log.slice(0, 2)).toEqual(['runr: add b', 'runr: add a']);
    expect(repo.git('show', `runr/${start.run_id}:src/a.js`)).toContain('a = 1');
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(report.checkpoint_sha).toBe(repo.git('rev-parse', `runr/${start.run_id}`));
    // The verification that passed can fail: in the untouched checkout, where src/a.js does not exist.
    expect(execaSync('node', ['check.js'], { cwd: repo.dir, reject: false }).exitCode).toBe(1);
  });
});
