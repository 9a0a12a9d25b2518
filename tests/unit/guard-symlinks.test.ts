import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { findLinkViolations, guardChanges, type ChangedPath, type ScopeRules } from '../../src/guard/index.js';
import { compiledScope, changedPaths } from '../helpers/scope.js';

let base: string;
let repo: string;
let outside: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'runr-guard-'));
  repo = path.join(base, 'repo');
  outside = path.join(base, 'outside');
  await mkdir(path.join(repo, 'src'), { recursive: true });
  await mkdir(path.join(repo, '.git'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(repo, 'src', 'a.ts'), 'export {};\n');
  await writeFile(path.join(repo, '.git', 'config'), '[core]\n');
  await writeFile(path.join(outside, 'secret.txt'), 'secret\n');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Plain strings are new (untracked) paths. */
function linkViolations(changes: (string | ChangedPath)[], r: Partial<ScopeRules> = {}, workDir = repo) {
  return findLinkViolations(workDir, compiledScope(r), changedPaths(changes, 'untracked'));
}

const link = (target: string, at: string) => symlink(target, path.join(repo, at));

describe('symlinks leading outside the worktree', () => {
  it('ignores regular files', async () => {
    expect(await linkViolations(['src/a.ts'])).toEqual([]);
  });

  it('flags a symlink pointing to a sibling directory outside the repo', async () => {
    await link(path.join(outside, 'secret.txt'), 'src/leak.txt');
    expect(await linkViolations(['src/leak.txt'])).toEqual([{ path: 'src/leak.txt', rule: 'symlink_escape' }]);
  });

  it('flags a relative symlink climbing out of the repo', async () => {
    await link('../../outside/secret.txt', 'src/rel.txt');
    expect(await linkViolations(['src/rel.txt'])).toEqual([{ path: 'src/rel.txt', rule: 'symlink_escape' }]);
  });

  it('flags a symlink to /etc', async () => {
    await link('/etc', 'etc');
    expect(await linkViolations(['etc'])).toEqual([{ path: 'etc', rule: 'symlink_escape' }]);
  });

  it('flags a dangling symlink whose target would be outside', async () => {
    await link(path.join(outside, 'does-not-exist'), 'dangling');
    expect(await linkViolations(['dangling'])).toEqual([{ path: 'dangling', rule: 'symlink_escape' }]);
  });

  it('flags a link whose text is absolute on Windows', async () => {
    await link('C:\\Windows\\System32', 'src/win');
    await link('\\\\server\\share\\x', 'src/unc');
    expect(await linkViolations(['src/win', 'src/unc'])).toEqual([
      { path: 'src/win', rule: 'symlink_escape' },
      { path: 'src/unc', rule: 'symlink_escape' },
    ]);
  });

  it('flags a file inside a symlinked directory that points outside', async () => {
    await link(outside, 'vendor');
    expect(await linkViolations(['vendor/secret.txt'])).toEqual([{ path: 'vendor/secret.txt', rule: 'symlink_escape' }]);
  });

  it('flags a link inside the repo chained to a link that escapes', async () => {
    await link(outside, 'out');
    await link('out/secret.txt', 'chained');
    expect(await linkViolations(['chained'])).toEqual([{ path: 'chained', rule: 'symlink_escape' }]);
  });

  it('works when workDir itself is reached through a symlink', async () => {
    const alias = path.join(base, 'repo-alias');
    await symlink(repo, alias);
    await link('a.ts', 'src/alias.ts');
    await link(outside, 'vendor');
    expect(await linkViolations(['src/a.ts', 'src/alias.ts', 'vendor/secret.txt'], {}, alias)).toEqual([
      { path: 'vendor/secret.txt', rule: 'symlink_escape' },
    ]);
  });
});

describe('symlinks leading to a path the scope denies', () => {
  it('flags links to the worktree\'s own .env, existing or not, from any depth', async () => {
    await link('../.env', 'src/env');
    await mkdir(path.join(repo, 'deep', 'er'), { recursive: true });
    await writeFile(path.join(repo, '.env.local'), 'TOKEN=1\n');
    await link('../../.env.local', 'deep/er/cfg');
    expect(await linkViolations(['src/env', 'deep/er/cfg'])).toEqual([
      { path: 'src/env', rule: 'symlink_to_denied' },
      { path: 'deep/er/cfg', rule: 'symlink_to_denied' },
    ]);
  });

  it('the env preset allows a link to a .env file', async () => {
    await link('../.env', 'src/env');
    expect(await linkViolations(['src/env'], { presets: ['env'] })).toEqual([]);
  });

  it('flags links to .git, into it, and to .runr', async () => {
    await link('../.git', 'src/g');
    await link('../.git/config', 'src/gc');
    await link('.git/hooks/pre-commit', 'hook');
    await link('.runr/runr.config.json', 'cfg');
    expect(await linkViolations(['src/g', 'src/gc', 'hook', 'cfg'])).toEqual([
      { path: 'src/g', rule: 'symlink_to_denied' },
      { path: 'src/gc', rule: 'symlink_to_denied' },
      { path: 'hook', rule: 'symlink_to_denied' },
      { path: 'cfg', rule: 'symlink_to_denied' },
    ]);
  });

  it('flags a link into .git when .git is a file, as in a git worktree', async () => {
    await rm(path.join(repo, '.git'), { recursive: true });
    await writeFile(path.join(repo, '.git'), 'gitdir: /elsewhere\n');
    await link('../.git/config', 'src/gc');
    expect(await linkViolations(['src/gc'])).toEqual([{ path: 'src/gc', rule: 'symlink_to_denied' }]);
  });

  it('flags links to protected, denylisted and lock files', async () => {
    await mkdir(path.join(repo, 'tests'));
    await writeFile(path.join(repo, 'tests', 'check.test.js'), 'assert(true)\n');
    await writeFile(path.join(repo, 'package-lock.json'), '{}\n');
    await link('../tests/check.test.js', 'src/check.js');
    await link('../secrets/key.pem', 'src/key.pem');
    await link('../package-lock.json', 'src/lock.json');
    const r = { allowlist: ['src/**'], denylist: ['secrets/**'], protect: ['tests/**'] };
    expect(await linkViolations(['src/check.js', 'src/key.pem', 'src/lock.json'], r)).toEqual([
      { path: 'src/check.js', rule: 'symlink_to_denied' },
      { path: 'src/key.pem', rule: 'symlink_to_denied' },
      { path: 'src/lock.json', rule: 'symlink_to_denied' },
    ]);
    expect(await linkViolations(['src/lock.json'], { ...r, allowDeps: true })).toEqual([]);
  });

  it('follows chains, and reads backslashes in a link as separators', async () => {
    await link('../.env', 'src/first');
    await link('first', 'src/second');
    await link('..\\.env', 'src/win');
    expect(await linkViolations(['src/second', 'src/win'])).toEqual([
      { path: 'src/second', rule: 'symlink_to_denied' },
      { path: 'src/win', rule: 'symlink_to_denied' },
    ]);
  });

  it('flags links to the worktree root, which holds .git', async () => {
    await link('..', 'src/root');
    await link('.', 'here');
    expect(await linkViolations(['src/root', 'here'])).toEqual([
      { path: 'src/root', rule: 'symlink_to_denied' },
      { path: 'here', rule: 'symlink_to_denied' },
    ]);
  });

  it('flags a link to a directory holding a denied file; one to an ordinary directory is fine', async () => {
    await mkdir(path.join(repo, 'config', 'prod'), { recursive: true });
    await writeFile(path.join(repo, 'config', 'app.json'), '{}\n');
    await writeFile(path.join(repo, 'config', 'prod', '.env.production'), 'TOKEN=1\n');
    await link('../config', 'src/config');
    await link('src', 'lib');
    expect(await linkViolations(['src/config', 'lib'])).toEqual([{ path: 'src/config', rule: 'symlink_to_denied' }]);
  });

  it('does not flag links inside the repo to allowed paths', async () => {
    await link('a.ts', 'src/alias.ts');
    await link(path.join(repo, 'src'), 'src-link');
    await link('src/missing.ts', 'dangling-inside');
    await link('../README.md', 'src/readme');
    expect(await linkViolations(['src/alias.ts', 'src-link', 'src-link/a.ts', 'dangling-inside', 'src/readme'], { allowlist: ['src/**'] })).toEqual([]);
  });

  it('checks a retargeted link (modified) and skips deleted and missing paths', async () => {
    await link('../.env', 'src/cfg');
    expect(await linkViolations([
      { path: 'src/cfg', status: 'modified' },
      { path: 'src/gone.ts', status: 'deleted' },
      'src/missing.ts', '../outside/secret.txt', '',
    ])).toEqual([{ path: 'src/cfg', rule: 'symlink_to_denied' }]);
  });
});

describe('names git refuses and nested repositories', () => {
  it('flags a symlink named .gitmodules in any spelling git refuses', async () => {
    await link('src/a.ts', '.gitmodules');
    await link('a.ts', 'src/.GitModules');
    await link('a.ts', 'src/gitmod~1');
    expect(await linkViolations(['.gitmodules', 'src/.GitModules', 'src/gitmod~1'])).toEqual([
      { path: '.gitmodules', rule: 'always_denied' },
      { path: 'src/.GitModules', rule: 'always_denied' },
      { path: 'src/gitmod~1', rule: 'always_denied' },
    ]);
  });

  it('flags a new directory holding .git, but not a modified one (a submodule)', async () => {
    await mkdir(path.join(repo, 'vendor', 'lib', '.git'), { recursive: true });
    await mkdir(path.join(repo, 'sub'), { recursive: true });
    await writeFile(path.join(repo, 'sub', '.git'), 'gitdir: ../.git/modules/sub\n');
    expect(await linkViolations(['vendor/lib/', { path: 'sub', status: 'modified' }])).toEqual([
      { path: 'vendor/lib', rule: 'always_denied' },
    ]);
  });
});

describe('guardChanges', () => {
  it('reports each path once, the name rule before the file rule', async () => {
    await link('../.env', 'src/.env');
    await link('../.env', 'src/ok-name');
    const changes: ChangedPath[] = [{ path: 'src/.env', status: 'untracked' }, { path: 'src/ok-name', status: 'untracked' }, { path: 'src/a.ts', status: 'modified' }];
    expect(await guardChanges(repo, compiledScope(), changes)).toEqual([
      { path: 'src/.env', rule: 'always_denied' },
      { path: 'src/ok-name', rule: 'symlink_to_denied' },
    ]);
  });
});
