import { describe, it, expect } from 'vitest';
import { checkPlannedFiles, isOutsideRepo, normalizeRepoPath, type ChangedPath, type ScopeRules } from '../../src/guard/index.js';
import { compiledScope, checkScope } from '../helpers/scope.js';

const check = (r: Partial<ScopeRules>, changes: (string | ChangedPath)[]) => checkScope(r, changes).violations;

describe('normalizeRepoPath', () => {
  it('turns the repository root, however spelled, into the empty path', () => {
    for (const p of ['', '.', './', './/', 'a/..', '.\\']) expect(normalizeRepoPath(p), JSON.stringify(p)).toBe('');
  });

  it('drops ./ prefixes and trailing slashes and collapses ..', () => {
    expect(normalizeRepoPath('./src/a.ts')).toBe('src/a.ts');
    expect(normalizeRepoPath('src//lib///')).toBe('src/lib');
    expect(normalizeRepoPath('src\\x\\..\\y.ts')).toBe('src/y.ts');
    expect(normalizeRepoPath('./.env')).toBe('.env');
  });
});

describe('isOutsideRepo', () => {
  it('is true for the parent, paths under it, and absolute paths', () => {
    for (const p of ['..', '../x', '../../a/b', '/etc/passwd', '/', 'C:/Windows', 'c:x', 'Z:']) expect(isOutsideRepo(p), p).toBe(true);
  });

  it('is false for paths inside the repository, even ones that look alike', () => {
    for (const p of ['src/a.ts', '..x', '...', 'a/..b', 'dir/', 'src/C:/x', '1:x', 'ab:c']) expect(isOutsideRepo(p), p).toBe(false);
  });

  it('a Windows drive path is denied as a change', () => {
    expect(check({ allowlist: ['**'] }, ['C:/Windows/x.dll'])).toEqual([{ path: 'C:/Windows/x.dll', rule: 'always_denied' }]);
  });
});

describe('scope patterns as written in the config', () => {
  it('ignores whitespace around a pattern', () => {
    expect(check({ allowlist: ['  src/**  '] }, ['src/a.ts', 'lib/b.ts'])).toEqual([{ path: 'lib/b.ts', rule: 'outside_allowlist' }]);
    expect(check({ denylist: [' secrets/** '] }, ['secrets/k.pem'])).toEqual([{ path: 'secrets/k.pem', rule: 'denylist' }]);
  });

  it('a trailing-slash pattern still restricts to that directory', () => {
    expect(check({ allowlist: ['src/'] }, ['src/a/b.ts', 'lib/c.ts'])).toEqual([{ path: 'lib/c.ts', rule: 'outside_allowlist' }]);
  });

  it('blank and root-only patterns are dropped: they neither restrict nor deny', () => {
    const blank = { allowlist: ['', '   ', '.', 'a/..'], denylist: ['', '.'], protect: [' '] };
    expect(check(blank, ['README.md', { path: 'src/a.ts', status: 'modified' }])).toEqual([]);
  });

  it('an unknown preset alone leaves the scope open', () => {
    expect(check({ presets: ['nope'] }, ['x.ts', 'lib/y.js'])).toEqual([]);
  });
});

describe('changed paths', () => {
  it('a change naming the repository root itself is skipped', () => {
    expect(check({ allowlist: ['src/**'] }, ['./', '.', ''])).toEqual([]);
  });

  it('a path deleted and then added again (rename) still counts as existing, in either order', () => {
    const r = { protect: ['tests/**'] };
    expect(check(r, [{ path: 'tests/a.test.ts', status: 'deleted' }, { path: 'tests/a.test.ts', status: 'added' }])).toEqual([
      { path: 'tests/a.test.ts', rule: 'protected' },
    ]);
    expect(check(r, [{ path: 'tests/b.test.ts', status: 'modified' }, { path: 'tests/b.test.ts', status: 'untracked' }])).toEqual([
      { path: 'tests/b.test.ts', rule: 'protected' },
    ]);
  });
});

describe('planned globs that reach always-denied paths by wildcard', () => {
  const open = compiledScope();

  it('flags a glob that would match .git, .runr or .env without naming them', () => {
    for (const glob of ['.gi*/**', '.g?t', '.r*/*', '.ru*', 'pkg/.g*/config', 'apps/web/.e*', '.e*']) {
      expect(checkPlannedFiles(open, [glob]), glob).toEqual([{ path: glob, rule: 'always_denied' }]);
    }
  });

  it('does not flag globs that reach those names only through a leading wildcard', () => {
    expect(checkPlannedFiles(open, ['*', '**/*', 'pkg/*', 'pkg/**/config', '*.env'])).toEqual([]);
  });

  it('with the env preset a glob of .env files is allowed, but one of .git is not', () => {
    const env = compiledScope({ presets: ['env'] });
    expect(checkPlannedFiles(env, ['.e*', 'apps/.env*', '.gi*'])).toEqual([{ path: '.gi*', rule: 'always_denied' }]);
  });

  it('a glob too long to compile is judged by the other rules, not taken for a denied one', () => {
    const long = `src/${'a*'.repeat(33_000)}`;
    expect(checkPlannedFiles(open, [long])).toEqual([]);
    expect(checkPlannedFiles(compiledScope({ denylist: ['src/**'] }), [long])).toEqual([{ path: long, rule: 'denylist' }]);
  });
});

describe('planned globs and the lockfile, deny and protect rules', () => {
  it('a glob naming a lockfile needs --allow-deps', () => {
    const globs = ['apps/*/package-lock.json', '**/Cargo.lock'];
    expect(checkPlannedFiles(compiledScope(), globs)).toEqual(globs.map((g) => ({ path: g, rule: 'lockfile' })));
    expect(checkPlannedFiles(compiledScope({ allowDeps: true }), globs)).toEqual([]);
  });

  it('a glob inside a denied or protected pattern is flagged, not only the pattern itself', () => {
    const scope = compiledScope({ denylist: ['secrets/**'], protect: ['config/**', 'src/{a,b}.ts'] });
    expect(checkPlannedFiles(scope, ['secrets/*.pem', 'config/*.json', 'src/{a,b}.ts', 'src/*.ts'])).toEqual([
      { path: 'secrets/*.pem', rule: 'denylist' },
      { path: 'config/*.json', rule: 'protected' },
      { path: 'src/{a,b}.ts', rule: 'protected' },
    ]);
  });

  it('a glob equal to a denied pattern that does not match itself is flagged', () => {
    const scope = compiledScope({ denylist: ['keys/{a,b}.pem'] });
    expect(checkPlannedFiles(scope, ['keys/{a,b}.pem'])).toEqual([{ path: 'keys/{a,b}.pem', rule: 'denylist' }]);
  });
});
