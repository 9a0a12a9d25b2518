import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT, approve, ok, plan, startRun, TestRepo, type Script } from '../helpers/harness.js';
import { expectGuardStop, filesOf, promptKeys, runToEnd, statusOf, worktreeOf } from '../helpers/e2e-support.js';

/** Scope guard after IMPLEMENT (SPEC §6): what the implementer changed decides whether the run may go on. */

const implementing = (step: Script[string][number]): Script => ({
  PLAN: [{ result: plan('the change') }],
  IMPLEMENT: [{ ...step, result: ok() }],
  REVIEW: [{ result: approve() }],
});

function repoWith(step: Script[string][number], scope: Record<string, unknown> = {}, files: Record<string, string> = {}) {
  return new TestRepo({
    files,
    config: { scope: { allowlist: [], denylist: [], presets: [], protect: [], ...scope } },
    script: implementing(step),
  });
}

async function expectCompleteWith(repo: TestRepo, extra: string[], committed: string[]) {
  const run = await runToEnd(repo, extra);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.status.stop_reason).toBe('complete');
  expect(filesOf(repo, `runr/${run.runId}`)).toEqual([...committed].sort());
  return run;
}

describe('scope guard: allowlist and denylist', () => {
  it('stops on a file outside the allowlist, commits nothing and keeps the work in the worktree', async () => {
    const repo = repoWith({ write: { 'src/ok.js': 'ok\n', 'lib/x.js': 'x\n' } }, { allowlist: ['src/**'] });
    const main = repo.git('rev-parse', 'main');
    const run = await startRun(repo);
    const { status } = await expectGuardStop(repo, run, ['lib/x.js'], main);
    expect(status.stop_detail).toContain('lib/x.js (outside scope.allowlist)');
    expect(status.milestones[0]?.status).not.toBe('complete');
    expect(promptKeys(repo)).not.toContain('REVIEW');
    expect(fs.readFileSync(path.join(worktreeOf(repo, run.runId), 'lib/x.js'), 'utf8')).toBe('x\n');
    expect(fs.existsSync(path.join(repo.dir, 'lib/x.js'))).toBe(false);
    expect((await repo.runr(['resume', run.runId])).exitCode).toBe(5);
  });

  it('stops on a denylisted file even when no allowlist is set', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', 'src/secrets/key.js': 'k\n' } }, { denylist: ['src/secrets/**'] });
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['src/secrets/key.js'], main);
  });

  it('a denylist entry wins over an allowlist entry that also matches', async () => {
    const repo = repoWith({ write: { 'src/gen/out.js': 'g\n' } }, { allowlist: ['src/**'], denylist: ['src/gen/**'] });
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['src/gen/out.js'], main);
  });

  it('allowlist_add in the task front matter extends the allowlist for that task', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', 'docs/guide.md': '# guide\n' } }, { allowlist: ['src/**'] });
    repo.write('.runr/tasks/task.md', `---\nallowlist_add: ["docs/**"]\n---\n${fs.readFileSync(repo.taskPath, 'utf8')}`);
    await expectCompleteWith(repo, [], ['docs/guide.md', 'src/a.js']);
  });

  it('presets extend the allowlist', async () => {
    const repo = repoWith(
      { write: { 'src/a.js': 'a\n', 'tests/a.test.js': 't\n', 'vitest.config.js': 'export default {}\n' } },
      { allowlist: ['src/**'], presets: ['vitest'] },
    );
    await expectCompleteWith(repo, [], ['src/a.js', 'tests/a.test.js', 'vitest.config.js']);
  });

  it('a file outside allowlist and presets is still caught when presets are set', async () => {
    const repo = repoWith({ write: { 'tests/a.test.js': 't\n', 'scripts/deploy.sh': 'x\n' } }, { allowlist: ['src/**'], presets: ['vitest'] });
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['scripts/deploy.sh'], main);
  });
});

describe('scope guard: always denied', () => {
  it('.env at the root and a nested .env.local are violations', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', '.env': 'A=1\n', 'config/.env.local': 'B=2\n' } });
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['.env', 'config/.env.local'], main);
  });

  it('the env preset allows .env files, which are then committed', async () => {
    // (A preset alone makes the allowlist non-empty, so src/** is listed too.)
    const repo = repoWith({ write: { 'src/a.js': 'a\n', '.env': 'A=1\n', 'config/.env.local': 'B=2\n' } }, { allowlist: ['src/**'], presets: ['env'] });
    await expectCompleteWith(repo, [], ['.env', 'config/.env.local', 'src/a.js']);
  });

  it('a change to a tracked file under .runr/ is a violation', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', '.runr/runr.config.json': '{"scope":{}}\n' } });
    repo.git('add', '-f', '.runr/runr.config.json');
    repo.git('commit', '-q', '-m', 'track the runr config');
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['.runr/runr.config.json'], main);
  });

  it('files written under .runr/ or .git/ inside the worktree never reach a checkpoint', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', '.runr/notes.json': '{}\n', 'pkg/.git/config': '[core]\n' } });
    const run = await runToEnd(repo);
    const tree = repo.git('ls-tree', '-r', '--name-only', `runr/${run.runId}`).split('\n');
    expect(tree.filter((f) => f.startsWith('.runr/') || f.includes('.git/'))).toEqual([]);
    if (run.status.stop_reason === 'complete') expect(filesOf(repo, `runr/${run.runId}`)).toEqual(['src/a.js']);
    else expect(run.status.stop_reason).toBe('guard_violation');
  });

  it('a lockfile change is a violation without --allow-deps', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', 'package-lock.json': '{}\n', 'packages/ui/yarn.lock': '#\n' } });
    const main = repo.git('rev-parse', 'main');
    const { status } = await expectGuardStop(repo, await startRun(repo), ['package-lock.json', 'packages/ui/yarn.lock'], main);
    expect(status.stop_detail).toContain('lockfile');
  });

  it('--allow-deps allows lockfile changes, which are then committed', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', 'package-lock.json': '{}\n' } });
    await expectCompleteWith(repo, ['--allow-deps'], ['package-lock.json', 'src/a.js']);
  });

  describe('with the allowlist runr init writes', () => {
    const deps = { write: { 'src/a.js': 'a\n', 'package.json': '{"name":"app","scripts":{"test":"node check.js"},"dependencies":{"left-pad":"1.3.0"}}\n', 'package-lock.json': '{"lockfileVersion":3}\n' } };
    async function initRepo() {
      const repo = new TestRepo({ files: { 'package.json': '{"name":"app","scripts":{"test":"node check.js"}}\n', 'package-lock.json': '{}\n', 'src/index.js': '\n' }, script: implementing(deps) });
      const init = await repo.runr(['init', '--force', '--json']);
      expect(init.exitCode, init.stderr).toBe(0);
      const configPath = path.join(repo.dir, '.runr', 'runr.config.json');
      const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
      expect(config.scope.allowlist).toEqual(['src/**']);
      const worker = { type: 'command', command: ['node', AGENT] };
      fs.writeFileSync(configPath, JSON.stringify({ ...config, workers: { planner: worker, implementer: worker, reviewer: worker }, sandbox_writable: [repo.stateDir] }));
      return repo;
    }

    it('--allow-deps lets package.json and package-lock.json through, and both are committed', async () => {
      await expectCompleteWith(await initRepo(), ['--allow-deps'], ['package-lock.json', 'package.json', 'src/a.js']);
    });

    it('without --allow-deps the same change is a guard violation', async () => {
      const repo = await initRepo();
      const main = repo.git('rev-parse', 'main');
      const { status } = await expectGuardStop(repo, await startRun(repo), ['package-lock.json', 'package.json'], main);
      expect(status.stop_detail).toContain('package.json (outside scope.allowlist)');
    });
  });

  it('a symlink resolving outside the worktree is a violation; one inside it is not', async () => {
    const repo = repoWith({});
    repo.setScript(implementing({
      write: { 'src/a.js': 'a\n' },
      symlink: { 'src/inner.js': 'a.js', 'src/escape': repo.stateDir, 'src/passwd': '/etc/passwd' },
    }));
    const main = repo.git('rev-parse', 'main');
    const { status } = await expectGuardStop(repo, await startRun(repo), ['src/escape', 'src/passwd'], main);
    expect(status.stop_detail).toContain('(a symlink that leads outside the worktree)');
  });
});

describe('scope guard: symlinks inside the worktree', () => {
  it('links to allowed files and directories are committed as links', async () => {
    const repo = repoWith(
      { write: { 'src/a.js': 'a\n' }, symlink: { 'src/inner.js': 'a.js', 'lib': 'src', 'src/readme.md': '../README.md' } },
      { allowlist: ['src/**', 'lib'] },
    );
    const run = await expectCompleteWith(repo, [], ['lib', 'src/a.js', 'src/inner.js', 'src/readme.md']);
    const modes = repo.git('ls-tree', '-r', `runr/${run.runId}`, 'lib', 'src/inner.js').split('\n').map((l) => l.split(' ')[0]);
    expect(modes).toEqual(['120000', '120000']);
  });
});

describe('scope guard: protected files', () => {
  const files = { 'tests/check.test.js': 'assert(true)\n' };
  const scope = { allowlist: ['src/**', 'tests/**'], protect: ['tests/**'] };

  it('modifying a protected file is a violation', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', 'tests/check.test.js': '// weakened\n' } }, scope, files);
    const main = repo.git('rev-parse', 'main');
    const { status } = await expectGuardStop(repo, await startRun(repo), ['tests/check.test.js'], main);
    expect(status.stop_detail).toContain('protected');
  });

  it('deleting a protected file is a violation', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n' }, delete: ['tests/check.test.js'] }, scope, files);
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['tests/check.test.js'], main);
  });

  it('a new file under a protected glob is fine and is committed', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', 'tests/new.test.js': 'new\n' } }, scope, files);
    await expectCompleteWith(repo, [], ['src/a.js', 'tests/new.test.js']);
    expect(repo.git('show', `main:tests/check.test.js`)).toBe('assert(true)');
  });
});

describe('scope guard: new directories, deletions and renames', () => {
  it('lists the files of a new directory one by one: a deep file outside the allowlist is caught by name', async () => {
    const repo = repoWith(
      { write: { 'src/new/a.js': 'a\n', 'src/new/deep/b.js': 'b\n', 'lib/deep/nested/dir/x.js': 'x\n' } },
      { allowlist: ['src/**', 'lib/*.js'] },
    );
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['lib/deep/nested/dir/x.js'], main);
  });

  it('commits every file of a new directory inside the allowlist', async () => {
    const repo = repoWith({ write: { 'src/new/a.js': 'a\n', 'src/new/deep/b.js': 'b\n' } }, { allowlist: ['src/**'] });
    await expectCompleteWith(repo, [], ['src/new/a.js', 'src/new/deep/b.js']);
  });

  it('deleting a file outside the allowlist is a violation', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n' }, delete: ['README.md'] }, { allowlist: ['src/**'] });
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['README.md'], main);
  });

  it('a rename is checked under both names', async () => {
    const repo = repoWith(
      { rename: { 'lib/old.js': 'src/moved-in.js', 'src/a.js': 'lib/moved-out.js' } },
      { allowlist: ['src/**'] },
      { 'lib/old.js': 'old\n', 'src/a.js': 'a\n' },
    );
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['lib/old.js', 'lib/moved-out.js'], main);
  });

  it('a rename inside the allowlist is committed as a delete and an add', async () => {
    const repo = repoWith({ rename: { 'src/a.js': 'src/b.js' } }, { allowlist: ['src/**'] }, { 'src/a.js': 'a\n' });
    const run = await expectCompleteWith(repo, [], ['src/a.js', 'src/b.js']);
    expect(repo.git('ls-tree', '-r', '--name-only', `runr/${run.runId}`, 'src')).toBe('src/b.js');
  });
});

describe('scope guard: changes the agent staged or committed itself', () => {
  const scope = { allowlist: ['src/**'] };

  it('sees a rename staged with git mv under both names', async () => {
    const repo = repoWith({ exec: [['git', 'mv', 'lib/old.js', 'src/moved.js']] } as never, scope, { 'lib/old.js': 'old\n', 'src/a.js': 'a\n' });
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['lib/old.js'], main);
  });

  it('sees files the agent added to the index', async () => {
    const repo = repoWith({ write: { 'src/a.js': 'a\n', 'lib/x.js': 'x\n' }, exec: [['git', 'add', '-A']] } as never, scope);
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['lib/x.js'], main);
  });

  it('does not let an out-of-scope file the agent committed itself through', async () => {
    const repo = repoWith({
      write: { 'src/a.js': 'a\n', 'lib/x.js': 'x\n' },
      exec: [['git', 'add', '-A'], ['git', '-c', 'user.name=agent', '-c', 'user.email=a@b', 'commit', '-q', '-m', 'agent commit']],
    } as never, scope);
    const main = repo.git('rev-parse', 'main');
    // runr undoes the worker's own commit (soft reset), so the guard sees its changes and the branch is back at main.
    const { status } = await expectGuardStop(repo, await startRun(repo), ['lib/x.js'], main);
    expect(status.milestones[0]?.checkpoint_sha).toBeNull();
  });
});

describe('commits a worker makes itself', () => {
  it('are folded into runr\'s own checkpoint when in scope', async () => {
    const repo = repoWith({
      write: { 'src/a.js': 'a\n' },
      exec: [['git', 'add', '-A'], ['git', '-c', 'user.name=agent', '-c', 'user.email=a@b', 'commit', '-q', '-m', 'agent commit']],
    } as never, { allowlist: ['src/**'] });
    const run = await startRun(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    const log = repo.git('log', '--format=%s', `main..runr/${run.runId}`).split('\n');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^runr: /);
    expect(repo.git('show', `runr/${run.runId}:src/a.js`)).toBe('a');
  });
});

describe('scope guard across milestones', () => {
  it('checks only the changes since the last checkpoint, and keeps the checkpoints made before the violation', async () => {
    const repo = new TestRepo({
      config: { scope: { allowlist: ['src/**'], denylist: [], presets: [], protect: [] } },
      script: {
        PLAN: [{ result: plan('first', 'second') }],
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
        'IMPLEMENT:m2': [{ write: { 'src/b.js': 'b\n', 'bin/tool.js': 't\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    const run = await startRun(repo);
    expect(run.exitCode).toBe(1);
    const status = await statusOf(repo, run.runId);
    expect(status.stop_reason).toBe('guard_violation');
    expect(status.guard_violation_files).toEqual(['bin/tool.js']);
    expect(status.milestones.map((m) => m.status)).toEqual(['complete', 'in_progress']);
    expect(repo.git('rev-list', '--count', `${main}..runr/${run.runId}`)).toBe('1');
    expect(repo.git('rev-parse', `runr/${run.runId}`)).toBe(status.milestones[0]?.checkpoint_sha);
    expect(filesOf(repo, `runr/${run.runId}`)).toEqual(['src/a.js']);
    expect(repo.git('rev-parse', 'main')).toBe(main);
  });
});
