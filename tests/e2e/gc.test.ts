// runr gc: clean up after finished runs, never losing uncommitted or unmerged work.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GcOutputSchema } from '../../src/contracts/outputs.js';
import { TestRepo } from '../helpers/harness.js';
import { runToEnd } from '../helpers/e2e-support.js';
import { CRASH, twoMilestoneScript } from '../helpers/crash.js';

async function gc(repo: TestRepo, flags: string[] = ['--older-than', '0']) {
  const r = await repo.runr(['gc', '--json', ...flags]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.json(GcOutputSchema);
}

const worktrees = (repo: TestRepo) => repo.git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree '));

describe('runr gc', () => {
  it('removes a finished run\'s worktree and directory, and keeps its branch while its checkpoints are merged nowhere', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(0);
    expect(worktrees(repo)).toHaveLength(2);

    const dry = await gc(repo, ['--older-than', '0', '--dry-run']);
    expect(dry).toMatchObject({ dry_run: true, removed: [{ run_id: run.runId, worktree_removed: true }] });
    expect(fs.existsSync(repo.runDir(run.runId))).toBe(true);

    expect(repo.git('for-each-ref', '--format=%(refname)', 'refs/runr/config')).toBe(`refs/runr/config/${run.runId}`);
    const result = await gc(repo);
    expect(result.removed).toEqual([{ run_id: run.runId, worktree_removed: true, branch_deleted: false, branch_kept: `runr/${run.runId}` }]);
    expect(repo.git('for-each-ref', 'refs/runr/config')).toBe('');
    expect(fs.existsSync(repo.runDir(run.runId))).toBe(false);
    expect(fs.existsSync(run.status.worktree_path)).toBe(false);
    expect(worktrees(repo)).toHaveLength(1);
    expect(repo.git('log', '--format=%s', `runr/${run.runId}`)).toContain('runr: add b');
  });

  it('deletes the run branch once its checkpoints are merged into another branch', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const run = await runToEnd(repo);
    repo.git('merge', '-q', '--ff-only', `runr/${run.runId}`);
    const result = await gc(repo);
    expect(result.removed).toEqual([{ run_id: run.runId, worktree_removed: true, branch_deleted: true, branch_kept: null }]);
    expect(repo.git('branch', '--list', `runr/${run.runId}`)).toBe('');
    expect(repo.git('log', '--format=%s', 'main')).toContain('runr: add b');
  });

  it('keeps a worktree with uncommitted changes, a run that is not finished, and a run that finished recently', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const finished = await runToEnd(repo);
    fs.writeFileSync(path.join(finished.status.worktree_path, 'notes.txt'), 'my own work\n');
    const crashed = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json'], { env: { [CRASH]: '6' } });
    const crashedId = JSON.parse(crashed.stdout.split('\n')[0]!).run_id;

    const result = await gc(repo);
    expect(result.removed).toEqual([]);
    expect(result.kept).toEqual(expect.arrayContaining([
      { run_id: finished.runId, reason: 'its worktree has uncommitted changes (notes.txt)' },
      { run_id: crashedId, reason: expect.stringMatching(/^not finished/) },
    ]));
    expect(fs.readFileSync(path.join(finished.status.worktree_path, 'notes.txt'), 'utf8')).toBe('my own work\n');

    fs.rmSync(path.join(finished.status.worktree_path, 'notes.txt'));
    const byDefault = await gc(repo, []);
    expect(byDefault.kept).toContainEqual({ run_id: finished.runId, reason: 'finished less than 7 days ago' });
    const human = await repo.runr(['gc', '--older-than', '0']);
    expect(human.stdout).toContain(`removed ${finished.runId}: worktree, run directory (kept runr/${finished.runId}: it has checkpoints no other branch holds)`);
    expect(human.stdout).toContain(`kept ${crashedId}: not finished`);
  });

  it('refuses a bad --older-than with exit 2', async () => {
    const repo = new TestRepo();
    const r = await repo.runr(['gc', '--older-than', 'soon', '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('invalid_option');
  });
});
