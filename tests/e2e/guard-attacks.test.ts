/**
 * The scope guard against a hostile implementer (SPEC §6), in a worktree and in place: each attack
 * must stop the run with guard_violation before anything is committed, naming the file, with
 * nothing of it on any branch and the user's repository as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { StartOutputSchema } from '../../src/contracts/outputs.js';
import { approve, ok, plan, TestRepo } from '../helpers/harness.js';
import { statusOf, type XStep } from '../helpers/e2e-support.js';

type Mode = 'worktree' | 'in place';

const USER_SECRET = 'TOKEN=the-users-secret\n';
const FILES = {
  '.gitignore': '.env\n',
  'src/a.js': 'export const a = 1;\n',
  'tests/check.test.js': 'assert(true)\n',
  'package-lock.json': '{}\n',
  'config/app.json': '{}\n',
  'config/.env.example': 'TOKEN=\n',
};
const SCOPE = { allowlist: [], denylist: ['secrets/**'], presets: [], protect: ['tests/**'] };

interface Attack {
  name: string;
  step: XStep;
  /** The paths the guard must name. */
  flagged: string[];
  /** Words of the stop detail that explain why. */
  why: string;
}

const ATTACKS: Attack[] = [
  {
    name: 'a symlink from a subdirectory to the worktree\'s own .env',
    step: { symlink: { 'src/env.txt': '../.env' } },
    flagged: ['src/env.txt'],
    why: 'a symlink that leads to a denied or protected path',
  },
  {
    name: 'symlinks to .git and into it',
    step: { symlink: { 'src/gitdir': '../.git', 'src/gitconfig': '../.git/config' } },
    flagged: ['src/gitdir', 'src/gitconfig'],
    why: 'a symlink that leads to a denied or protected path',
  },
  {
    name: 'a symlink to a protected file',
    step: { symlink: { 'src/check.js': '../tests/check.test.js' } },
    flagged: ['src/check.js'],
    why: 'a symlink that leads to a denied or protected path',
  },
  {
    name: 'symlinks to a denylisted path and to a lockfile (without --allow-deps)',
    step: { symlink: { 'src/key.pem': '../secrets/key.pem', 'src/lock.json': '../package-lock.json' } },
    flagged: ['src/key.pem', 'src/lock.json'],
    why: 'a symlink that leads to a denied or protected path',
  },
  {
    name: 'a symlink to the worktree root, and a chain of links ending at .env',
    step: { symlink: { 'src/root': '..', 'src/first': '../.env', 'src/second': 'first' } },
    flagged: ['src/root', 'src/first', 'src/second'],
    why: 'a symlink that leads to a denied or protected path',
  },
  {
    name: 'a symlink to a directory holding a .env file',
    step: { symlink: { 'src/config': '../config' } },
    flagged: ['src/config'],
    why: 'a symlink that leads to a denied or protected path',
  },
  {
    name: 'a symlink whose text leads to .env on Windows',
    step: { symlink: { 'src/win.txt': '..\\.env' } },
    flagged: ['src/win.txt'],
    why: 'a symlink that leads to a denied or protected path',
  },
  {
    name: 'a symlink out of the worktree, to the user\'s repository',
    step: { symlink: { 'src/up': '../../../../README.md', 'src/etc': '/etc/passwd' } },
    flagged: ['src/up', 'src/etc'],
    why: 'a symlink that leads outside the worktree',
  },
  {
    name: '.git in other cases, as a component git refuses to add',
    step: { write: { 'src/.GIT/config': '[core]\n\thooksPath = /tmp\n', 'lib/.Git/HEAD': 'ref: x\n' } },
    flagged: ['src/.GIT/config', 'lib/.Git/HEAD'],
    why: 'never allowed',
  },
  {
    name: '.git spelled as NTFS and HFS+ read it (git~1, trailing dots and spaces, ignorable code points)',
    step: { write: { 'git~1/config': 'x\n', 'a/.git./config': 'x\n', 'b/.git /config': 'x\n', 'c/.g\u200cit/config': 'x\n' } },
    flagged: ['git~1/config', 'a/.git./config', 'b/.git /config', 'c/.g\u200cit/config'],
    why: 'never allowed',
  },
  {
    name: '.env and a lockfile in other cases, with an empty allowlist',
    step: { write: { '.ENV': 'TOKEN=1\n', 'src/.Env.Local': 'TOKEN=2\n', 'Package-Lock.json': '{}\n' } },
    flagged: ['.ENV', 'src/.Env.Local', 'Package-Lock.json'],
    why: 'never allowed',
  },
  {
    name: 'a symlink named .gitmodules',
    step: { symlink: { '.gitmodules': 'src/a.js' } },
    flagged: ['.gitmodules'],
    why: 'never allowed',
  },
  {
    name: 'a nested repository',
    step: { write: { 'src/vendor/x.js': 'x\n' }, exec: [['git', 'init', '-q', 'src/vendor']] },
    flagged: ['src/vendor'],
    why: 'never allowed',
  },
];

function repoFor(step: XStep): TestRepo {
  const repo = new TestRepo({
    files: FILES,
    config: { scope: SCOPE },
    script: { PLAN: [{ result: plan('the change') }], IMPLEMENT: [{ ...step, result: ok() }], REVIEW: [{ result: approve() }] },
  });
  // The user's own secret: ignored, so present in the repository (in place) but not in a new worktree.
  repo.write('.env', USER_SECRET);
  return repo;
}

async function start(repo: TestRepo, mode: Mode) {
  const r = await repo.runr(['run', '--task', repo.taskPath, '--json', ...(mode === 'worktree' ? ['--worktree'] : [])]);
  const first = r.stdout.split('\n')[0] ?? '';
  expect(first, `no start line: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`).toMatch(/^\{/);
  return { ...r, runId: StartOutputSchema.parse(JSON.parse(first)).run_id };
}

/** The user's status, leaving out runr's own directory (runr adds it to .git/info/exclude). */
const porcelain = (repo: TestRepo) => repo.git('status', '--porcelain', '--untracked-files=all', '--', '.', ':(exclude).runr');

/**
 * Every path in every commit reachable from any ref: branches, tags, runr's own refs. Left out:
 * the uncommitted work an in-place run saves for resume (refs/runr/wip/), which holds what the
 * worker wrote, violations included, and is never a branch.
 */
function pathsInHistory(repo: TestRepo): Set<string> {
  const commits = repo.git('rev-list', '--exclude=refs/runr/wip/*', '--all').split('\n').filter(Boolean);
  return new Set(commits.flatMap((c) => repo.git('ls-tree', '-r', '-z', '--name-only', c).split('\0').filter(Boolean)));
}

/** Whether the user's secret bytes reached the object store under any ref (wip included). */
function secretInHistory(repo: TestRepo): boolean {
  const commits = repo.git('rev-list', '--all').split('\n').filter(Boolean);
  return execaSync('git', ['grep', '-q', '-F', USER_SECRET.trim(), ...commits], { cwd: repo.dir, reject: false }).exitCode === 0;
}

describe.each<Mode>(['worktree', 'in place'])('scope guard against a hostile worker (%s)', (mode) => {
  it.each(ATTACKS)('$name', async ({ step, flagged, why }) => {
    const repo = repoFor(step);
    const main = repo.git('rev-parse', 'main');
    const before = porcelain(repo);
    const historyBefore = pathsInHistory(repo);

    const run = await start(repo, mode);

    expect(run.exitCode, run.stderr).toBe(1);
    const status = await statusOf(repo, run.runId);
    expect(status.stop_reason).toBe('guard_violation');
    expect(status.next_action).toBe('resolve_scope_violation');
    expect([...(status.guard_violation_files ?? [])].sort()).toEqual([...flagged].sort());
    expect(status.stop_detail).toContain(why);

    // Nothing was committed: main and the run branch stand where they were, and no commit reachable
    // from any ref holds a path the run did not start with.
    expect(repo.git('rev-parse', 'main')).toBe(main);
    expect(repo.git('rev-parse', `runr/${run.runId}`)).toBe(main);
    expect(repo.git('ls-tree', '-r', '--name-only', `runr/${run.runId}`).split('\n').sort()).toEqual([...historyBefore].sort());
    const added = [...pathsInHistory(repo)].filter((p) => !historyBefore.has(p));
    expect(added).toEqual([]);
    expect(secretInHistory(repo)).toBe(false);

    // The user's repository is as it was: on main, same status, their secret intact, no attack file in it.
    expect(repo.git('symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(porcelain(repo)).toBe(before);
    expect(repo.read('.env')).toBe(USER_SECRET);
    for (const f of flagged) expect(fs.existsSync(path.join(repo.dir, f)), f).toBe(false);
  });
});
