/**
 * Runs without --worktree: the run works in the repository itself on runr/<id>, refuses a dirty
 * tree unless --allow-dirty, never commits the user's own changes, returns the user to their branch,
 * and saves uncommitted work of a stopped run (wip_ref) for resume.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportOutputSchema, StartOutputSchema } from '../../src/contracts/outputs.js';
import { expectJsonError } from '../helpers/cli.js';
import { ok, type Script, TestRepo } from '../helpers/harness.js';

const LIMITS = { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 };

/** check.js: logs the branch it runs on, fails while BREAK=1 or until src/a.js exists. */
const CHECK = `import fs from 'node:fs';
import { execSync } from 'node:child_process';
if (process.env.BRANCH_LOG) fs.appendFileSync(process.env.BRANCH_LOG, execSync('git symbolic-ref --short HEAD').toString());
if (process.env.BREAK === '1') { console.error('broken on purpose'); process.exit(1); }
process.exit(fs.existsSync('src/a.js') ? 0 : 1);
`;

const repoWith = (script: Script) => new TestRepo({ files: { 'check.js': CHECK }, config: { limits: LIMITS }, script });

const porcelain = (repo: TestRepo) => repo.git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort();
const startIn = async (repo: TestRepo, extra: string[], env: Record<string, string> = {}) => {
  const r = await repo.runr(['run', '--task', repo.taskPath, '--fast', '--json', ...extra], { env });
  const runId = r.exitCode === 0 || r.exitCode === 1 ? StartOutputSchema.parse(JSON.parse(r.stdout.split('\n')[0]!)).run_id : '';
  return { ...r, runId };
};

describe('non-worktree mode', () => {
  it('refuses a dirty tree (exit 2, mentions --allow-dirty) and changes nothing', async () => {
    const repo = repoWith({ IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }] });
    repo.write('README.md', '# changed by the user\n');
    const head = repo.git('rev-parse', 'HEAD');
    const e = expectJsonError(await repo.runr(['run', '--task', repo.taskPath, '--fast', '--json']), 2);
    expect(e.message).toContain('--allow-dirty');
    expect(e.message).toMatch(/dirty/i);
    expect(repo.git('symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(repo.git('branch', '--list', 'runr/*')).toBe('');
    expect(porcelain(repo)).toEqual([' M README.md']);
    expect(repo.read('README.md')).toBe('# changed by the user\n');
  });

  it('--allow-dirty: works on runr/<id>, never commits the user\'s changes, returns the user to their branch', async () => {
    const repo = repoWith({ IMPLEMENT: [{ write: { 'src/a.js': 'export const a = 1;\n' }, result: ok() }] });
    repo.git('checkout', '-q', '-b', 'feature');
    const featureHead = repo.git('rev-parse', 'HEAD');
    repo.write('README.md', '# changed by the user\n');
    repo.write('notes.txt', 'my own notes\n');
    const branchLog = path.join(repo.stateDir, 'branches.log');

    const r = await startIn(repo, ['--allow-dirty'], { BRANCH_LOG: branchLog });
    expect(r.exitCode, r.stderr).toBe(0);
    const runBranch = `runr/${r.runId}`;
    // Verification ran in the repository, on the run branch.
    expect(fs.readFileSync(branchLog, 'utf8').trim().split('\n')).toEqual([runBranch]);
    const rep = (await repo.runr(['report', r.runId, '--json'])).json(ReportOutputSchema);
    expect(rep).toMatchObject({ outcome: 'complete', branch: runBranch, worktree_path: repo.dir, wip_ref: null });
    expect(repo.git('show', `${runBranch}:src/a.js`)).toBe('export const a = 1;');
    // Only the run's file was committed, on the run branch.
    expect(repo.git('diff', '--name-only', `${featureHead}..${runBranch}`)).toBe('src/a.js');
    expect(repo.git('show', `${runBranch}:README.md`)).toBe('# test project');

    // Back on the user's branch, which did not move, with their own changes as they were.
    expect(repo.git('symbolic-ref', '--short', 'HEAD')).toBe('feature');
    expect(repo.git('rev-parse', 'feature')).toBe(featureHead);
    expect(porcelain(repo)).toEqual([' M README.md', '?? notes.txt']);
    expect(repo.read('README.md')).toBe('# changed by the user\n');
    expect(repo.read('notes.txt')).toBe('my own notes\n');
    expect(fs.existsSync(path.join(repo.dir, 'src', 'a.js'))).toBe(false);
  });

  it('a stop with uncommitted work saves it (wip_ref); resume restores it on the run branch and completes', async () => {
    const repo = repoWith({
      'IMPLEMENT:m1': [{ write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('wrote a') }, { keep_tree: true, result: ok('nothing more to do') }],
    });
    const head = repo.git('rev-parse', 'HEAD');
    repo.write('notes.txt', 'my own notes\n');

    const r = await startIn(repo, ['--allow-dirty'], { BREAK: '1' });
    expect(r.exitCode, r.stderr).toBe(1);
    const stopped = (await repo.runr(['report', r.runId, '--json'])).json(ReportOutputSchema);
    expect(stopped).toMatchObject({ stop_reason: 'verification_failed_max_retries', suggested_command: `runr resume ${r.runId}` });
    expect(stopped.wip_ref).toBeTruthy();
    expect(repo.git('show', `${stopped.wip_ref}:src/a.js`)).toBe('export const a = 1;');
    expect((await repo.runr(['report', r.runId])).stdout).toContain(stopped.wip_ref!);
    // The user is back on main, their tree as it was: the run's work is not left lying around.
    expect(repo.git('symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(repo.git('rev-parse', 'main')).toBe(head);
    expect(porcelain(repo)).toEqual(['?? notes.txt']);

    const resumed = await repo.runr(['resume', r.runId, '--json']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { run_id: r.runId, run_dir: repo.runDir(r.runId), repo_root: repo.dir, status: 'resumed' },
    ]);
    const done = (await repo.runr(['report', r.runId, '--json'])).json(ReportOutputSchema);
    expect(done.outcome).toBe('complete');
    expect(repo.git('show', `runr/${r.runId}:src/a.js`)).toBe('export const a = 1;');
    expect(repo.git('diff', '--name-only', `${head}..runr/${r.runId}`)).toBe('src/a.js');
    expect(repo.git('for-each-ref', 'refs/runr/wip/')).toBe('');
    expect(repo.git('symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(porcelain(repo)).toEqual(['?? notes.txt']);
  });

  it('still works with EDITOR, PAGER and GIT_SSH_COMMAND set; .runr/ never shows in git status', async () => {
    const repo = repoWith({ IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }] });
    const env = { EDITOR: 'vim', VISUAL: 'vim', PAGER: 'less', GIT_PAGER: 'less', GIT_SSH_COMMAND: 'ssh' };
    const inPlace = await startIn(repo, [], env);
    expect(inPlace.exitCode, inPlace.stderr).toBe(0);
    expect(porcelain(repo)).toEqual([]);
    const inWorktree = await startIn(repo, ['--worktree'], env);
    expect(inWorktree.exitCode, inWorktree.stderr).toBe(0);
    for (const id of [inPlace.runId, inWorktree.runId]) {
      expect((await repo.runr(['report', id, '--json'], { env })).json(ReportOutputSchema).outcome).toBe('complete');
      expect(repo.git('log', '-1', '--format=%s', `runr/${id}`)).toMatch(/^runr: /);
    }
    expect(fs.existsSync(path.join(repo.dir, '.runr', 'runs'))).toBe(true);
    expect(repo.git('status', '--porcelain', '--untracked-files=all', '--ignored=no')).toBe('');
  });
});
