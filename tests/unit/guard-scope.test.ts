import { describe, it, expect } from 'vitest';
import {
  PRESETS,
  checkPlannedFiles,
  classifyLinkTarget,
  isLockfile,
  isToolCache,
  unknownPresets,
} from '../../src/guard/index.js';
import { compiledScope, checkScope } from '../helpers/scope.js';

describe('allowlist', () => {
  it('accepts paths matching the allowlist', () => {
    expect(checkScope({ allowlist: ['src/**'] }, ['src/a.ts', 'src/deep/b.ts']).violations).toEqual([]);
  });

  it('flags paths outside the allowlist', () => {
    const { violations } = checkScope({ allowlist: ['src/**'] }, ['src/a.ts', 'README.md', 'lib/x.js']);
    expect(violations).toEqual([
      { path: 'README.md', rule: 'outside_allowlist' },
      { path: 'lib/x.js', rule: 'outside_allowlist' },
    ]);
  });

  it('applies to new, modified and deleted files alike', () => {
    for (const status of ['added', 'untracked', 'modified', 'deleted'] as const) {
      const { violations } = checkScope({ allowlist: ['src/**'] }, [{ path: 'src/ok.ts', status }, { path: 'lib/new.ts', status }]);
      expect(violations, status).toEqual([{ path: 'lib/new.ts', rule: 'outside_allowlist' }]);
    }
  });

  it('treats a trailing-slash pattern as the directory contents', () => {
    expect(checkScope({ allowlist: ['src/'] }, ['src/a/b.ts']).violations).toEqual([]);
  });

  it('normalizes ./ prefixes and backslashes', () => {
    expect(checkScope({ allowlist: ['./src/**'] }, ['./src/a.ts', 'src\\b.ts']).violations).toEqual([]);
  });

  it('presets expand the allowlist', () => {
    const r = { allowlist: ['src/**'], presets: ['prisma', 'vitest'] };
    expect(checkScope(r, ['prisma/schema.prisma', 'lib/util.test.ts', 'vitest.config.ts']).violations).toEqual([]);
    expect(checkScope(r, ['lib/util.ts']).violations).toEqual([{ path: 'lib/util.ts', rule: 'outside_allowlist' }]);
  });

  it('a preset alone makes the allowlist non-empty', () => {
    expect(checkScope({ presets: ['python'] }, ['pkg/mod.py', 'web/app.js']).violations).toEqual([
      { path: 'web/app.js', rule: 'outside_allowlist' },
    ]);
  });

  it('the env preset alone lifts the .env deny without restricting anything else', () => {
    expect(checkScope({ presets: ['env'] }, ['src/a.js', '.env.local']).violations).toEqual([]);
    expect(checkScope({ allowlist: ['src/**'], presets: ['env'] }, ['src/a.js', '.env', 'lib/b.js']).violations).toEqual([
      { path: 'lib/b.js', rule: 'outside_allowlist' },
    ]);
  });

  it('an empty allowlist allows everything except the always-denied', () => {
    const { violations } = checkScope({}, ['anything/at/all.txt', 'README.md', '.git/config', '.runr/x.json', '.env']);
    expect(violations).toEqual([
      { path: '.git/config', rule: 'always_denied' },
      { path: '.runr/x.json', rule: 'always_denied' },
      { path: '.env', rule: 'always_denied' },
    ]);
  });
});

describe('denylist and always-denied', () => {
  it('denylist wins over the allowlist', () => {
    const { violations } = checkScope({ allowlist: ['src/**'], denylist: ['src/secret/**'] }, ['src/secret/k.ts', 'src/ok.ts']);
    expect(violations).toEqual([{ path: 'src/secret/k.ts', rule: 'denylist' }]);
  });

  it('denies .env files at any depth, even if allowlisted', () => {
    const { violations } = checkScope({ allowlist: ['**'] }, ['.env', '.env.local', 'apps/web/.env.local', 'pkg/.env']);
    expect(violations.map((v) => v.rule)).toEqual(['always_denied', 'always_denied', 'always_denied', 'always_denied']);
  });

  it('does not confuse .envrc-like or .environment names', () => {
    expect(checkScope({}, ['.envrc', 'src/.environment.ts']).violations).toEqual([]);
  });

  it('the env preset lifts the .env deny', () => {
    expect(checkScope({ presets: ['env'] }, ['.env', '.env.local', 'apps/web/.env.local']).violations).toEqual([]);
  });

  it('the env preset does not override an explicit denylist', () => {
    expect(checkScope({ presets: ['env'], denylist: ['.env.production'] }, ['.env.production']).violations).toEqual([
      { path: '.env.production', rule: 'denylist' },
    ]);
  });

  it('denies .git (file or dir) and .runr even with allowlist **', () => {
    const { violations } = checkScope({ allowlist: ['**'] }, ['.git', '.git/HEAD', 'vendor/lib/.git/config', '.runr/runs/1/state.json', '.gitignore', '.github/workflows/ci.yml']);
    expect(violations).toEqual([
      { path: '.git', rule: 'always_denied' },
      { path: '.git/HEAD', rule: 'always_denied' },
      { path: 'vendor/lib/.git/config', rule: 'always_denied' },
      { path: '.runr/runs/1/state.json', rule: 'always_denied' },
    ]);
  });

  it('denies paths outside the repo', () => {
    const { violations } = checkScope({ allowlist: ['**'] }, ['../other/x.ts', '/etc/passwd', 'src/../../x']);
    expect(violations).toEqual([
      { path: '../other/x.ts', rule: 'always_denied' },
      { path: '/etc/passwd', rule: 'always_denied' },
      { path: '../x', rule: 'always_denied' },
    ]);
  });
});

describe('names matched as case-insensitive filesystems and git read them', () => {
  it('denies .git as any component in every spelling git refuses, even with allowlist **', () => {
    const paths = ['src/.GIT/config', '.Git/HEAD', 'a/.git./x', 'a/.git /x', 'GIT~1/config', 'a/.git::$INDEX_ALLOCATION/x', '.g\u200cit/hooks/x', 'vendor/.git\ufeff/config'];
    expect(checkScope({ allowlist: ['**'] }, paths).violations).toEqual(paths.map((p) => ({ path: p, rule: 'always_denied' })));
  });

  it('does not deny names that only look like .git', () => {
    expect(checkScope({}, ['.gitignore', '.github/ci.yml', '.gitmodules', 'src/.gitx', 'a/git~2/x', 'src/git.ts']).violations).toEqual([]);
  });

  it('denies .env files in any case and with trailing dots or spaces, unless the env preset', () => {
    const paths = ['.ENV', '.Env.Local', 'apps/web/.ENV.production', '.env.', 'cfg/.env ', '.env::$DATA'];
    expect(checkScope({}, paths).violations).toEqual(paths.map((p) => ({ path: p, rule: 'always_denied' })));
    expect(checkScope({ presets: ['env'] }, paths).violations).toEqual([]);
  });

  it('denies .runr at the root in any case, and only at the root', () => {
    expect(checkScope({}, ['.RUNR/runr.config.json', '.Runr./x', 'src/.runr/x']).violations).toEqual([
      { path: '.RUNR/runr.config.json', rule: 'always_denied' },
      { path: '.Runr./x', rule: 'always_denied' },
    ]);
  });

  it('recognizes lockfiles in any case', () => {
    const changes = ['Package-Lock.json', 'apps/web/YARN.LOCK', 'cargo.lock'];
    expect(checkScope({}, changes).violations).toEqual(changes.map((p) => ({ path: p, rule: 'lockfile' })));
    expect(checkScope({ allowDeps: true }, changes).violations).toEqual([]);
  });

  it('applies the same rules to planned files', () => {
    const scope = compiledScope();
    expect(checkPlannedFiles(scope, ['src/.GIT/config', 'pkg/.Git/**', '.ENV*', 'Package-Lock.json', 'src/ok.ts'])).toEqual([
      { path: 'src/.GIT/config', rule: 'always_denied' },
      { path: 'pkg/.Git/**', rule: 'always_denied' },
      { path: '.ENV*', rule: 'always_denied' },
      { path: 'Package-Lock.json', rule: 'lockfile' },
    ]);
  });
});

describe('symlink targets', () => {
  const scope = compiledScope({ allowlist: ['src/**'], denylist: ['secrets/**'], protect: ['tests/**'] });

  it('a link may not lead to anything the guard denies', () => {
    for (const target of ['.env', 'apps/.env.local', '.ENV', '.git', '.git/config', 'sub/.GIT/HEAD', '.runr/runr.config.json', 'package-lock.json', 'secrets/key.pem', 'tests/check.test.js', 'tests']) {
      expect(classifyLinkTarget(scope, target), target).toBe('symlink_to_denied');
    }
  });

  it('nor to the worktree root, which holds .git', () => {
    expect(classifyLinkTarget(scope, '')).toBe('symlink_to_denied');
  });

  it('may lead anywhere else, inside or outside the allowlist', () => {
    for (const target of ['src/a.ts', 'README.md', 'docs', 'src']) expect(classifyLinkTarget(scope, target), target).toBeNull();
  });

  it('follows the run\'s rules: the env preset and --allow-deps lift their denies', () => {
    const lenient = compiledScope({ presets: ['env'], allowDeps: true });
    expect(classifyLinkTarget(lenient, '.env')).toBeNull();
    expect(classifyLinkTarget(lenient, 'package-lock.json')).toBeNull();
    expect(classifyLinkTarget(lenient, '.git/config')).toBe('symlink_to_denied');
  });
});

describe('lockfiles', () => {
  it('recognizes lockfiles anywhere in the tree', () => {
    for (const p of ['package-lock.json', 'apps/web/yarn.lock', 'a/b/pnpm-lock.yaml', 'bun.lockb', 'Cargo.lock', 'go.sum', 'x/poetry.lock', 'uv.lock', 'Gemfile.lock', 'composer.lock']) {
      expect(isLockfile(p), p).toBe(true);
    }
    expect(isLockfile('package.json')).toBe(false);
    expect(isLockfile('docs/yarn.lock.md')).toBe(false);
  });

  it('flags lockfile changes unless allowDeps', () => {
    const changes = ['package-lock.json', 'apps/api/Cargo.lock'];
    expect(checkScope({ allowlist: ['**'] }, changes).violations).toEqual([
      { path: 'package-lock.json', rule: 'lockfile' },
      { path: 'apps/api/Cargo.lock', rule: 'lockfile' },
    ]);
    expect(checkScope({ allowlist: ['**'], allowDeps: true }, changes).violations).toEqual([]);
  });

  it('allowDeps lets dependency manifests and lockfiles past the allowlist, at the root and in subdirectories', () => {
    const deps = [
      'package.json', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock',
      'pyproject.toml', 'requirements.txt', 'requirements-dev.txt', 'poetry.lock', 'uv.lock',
      'go.mod', 'go.sum', 'Cargo.toml', 'Cargo.lock', 'Gemfile', 'Gemfile.lock', 'composer.json', 'composer.lock',
      'apps/web/package.json', 'apps/web/package-lock.json', 'services/api/go.mod', 'crates/x/Cargo.toml', 'py/requirements.txt',
    ];
    const r = { allowlist: ['src/**'] };
    expect(checkScope({ ...r, allowDeps: true }, deps).violations).toEqual([]);
    const without = checkScope(r, deps).violations;
    expect(without.map((v) => v.path)).toEqual(deps);
    expect(without.find((v) => v.path === 'package.json')?.rule).toBe('outside_allowlist');
  });

  it('allowDeps allows nothing else outside the allowlist', () => {
    const r = { allowlist: ['src/**'], allowDeps: true };
    const other = ['README.md', 'lib/x.js', 'package.json.bak', 'docs/requirements.md', 'tsconfig.json', 'Gemfile.rb'];
    expect(checkScope(r, other).violations).toEqual(other.map((p) => ({ path: p, rule: 'outside_allowlist' })));
  });

  it('allowDeps never lifts the denylist, protect or the always-denied rules', () => {
    const r = { allowlist: ['src/**'], allowDeps: true, denylist: ['apps/**'], protect: ['package.json'] };
    expect(checkScope(r, ['apps/web/package-lock.json', { path: 'package.json', status: 'modified' }, '.git/Cargo.lock', '.runr/go.mod']).violations).toEqual([
      { path: 'apps/web/package-lock.json', rule: 'denylist' },
      { path: 'package.json', rule: 'protected' },
      { path: '.git/Cargo.lock', rule: 'always_denied' },
      { path: '.runr/go.mod', rule: 'always_denied' },
    ]);
  });

  it('reports one violation per path, most specific rule first', () => {
    const r = { allowlist: ['src/**'], denylist: ['**/*.lock', '.env'], protect: ['src/**'] };
    const { violations } = checkScope(r, ['yarn.lock', '.env', { path: 'src/a.ts', status: 'modified' }, { path: 'src/a.ts', status: 'modified' }]);
    expect(violations).toEqual([
      { path: 'yarn.lock', rule: 'lockfile' },
      { path: '.env', rule: 'always_denied' },
      { path: 'src/a.ts', rule: 'protected' },
    ]);
  });
});

describe('protect', () => {
  const r = { protect: ['tests/**', 'vitest.config.ts'] };

  it('flags modified and deleted protected files', () => {
    const { violations } = checkScope(r, [
      { path: 'tests/a.test.ts', status: 'modified' },
      { path: 'vitest.config.ts', status: 'deleted' },
    ]);
    expect(violations).toEqual([
      { path: 'tests/a.test.ts', rule: 'protected' },
      { path: 'vitest.config.ts', rule: 'protected' },
    ]);
  });

  it('allows new (added or untracked) files matching protect', () => {
    const { violations } = checkScope(r, [
      { path: 'tests/new.test.ts', status: 'added' },
      { path: 'tests/other.test.ts', status: 'untracked' },
    ]);
    expect(violations).toEqual([]);
  });

  it('a path that is both deleted and added (rename) counts as existing', () => {
    const { violations } = checkScope(r, [
      { path: 'tests/a.test.ts', status: 'added' },
      { path: 'tests/a.test.ts', status: 'deleted' },
    ]);
    expect(violations).toEqual([{ path: 'tests/a.test.ts', rule: 'protected' }]);
  });
});

describe('tool caches', () => {
  it('recognizes caches at any depth', () => {
    for (const p of [
      '.pytest_cache/v/cache/nodeids', 'pkg/sub/__pycache__/x.cpython-312.pyc', 'a/b.pyc', 'coverage/lcov.info',
      'packages/x/coverage/index.html', '.nyc_output/out.json', 'node_modules/.vite/deps/a.js',
      'packages/web/node_modules/.vite/x', 'node_modules/.cache/babel/x', '.eslintcache', 'tsconfig.tsbuildinfo',
      'src/.DS_Store', '.mypy_cache/3.12/x.json', '.ruff_cache/x', '.tox/py312/log', '.next/cache/images/a',
      '.turbo/cookies', '.parcel-cache/data.mdb', '.pytest_cache/', '__pycache__',
    ]) {
      expect(isToolCache(p), p).toBe(true);
    }
  });

  it('does not treat build output or lookalikes as caches', () => {
    for (const p of ['target/debug/app', 'dist/index.js', 'build/x', '.next/server/a.js', 'node_modules/left-pad/index.js', 'src/pycache.py']) {
      expect(isToolCache(p), p).toBe(false);
    }
  });

  it('drops caches into ignored before any rule applies', () => {
    const res = checkScope({ allowlist: ['src/**'], denylist: ['**/coverage/**'] }, [
      { path: 'src/a.ts', status: 'modified' },
      { path: 'pkg/sub/__pycache__/x.pyc', status: 'untracked' },
      { path: 'coverage/lcov.info', status: 'untracked' },
    ]);
    expect(res.violations).toEqual([]);
    expect(res.ignored).toEqual(['pkg/sub/__pycache__/x.pyc', 'coverage/lcov.info']);
  });
});

describe('planned files', () => {
  const scope = compiledScope({ allowlist: ['src/**'], presets: ['vitest'], denylist: ['src/secret/**'], protect: ['vitest.config.ts'] });

  it('accepts plain paths and globs inside the allowlist', () => {
    expect(checkPlannedFiles(scope, ['src/a.ts', './src/b/c.ts', 'src/**/*.ts', 'src/*.{ts,tsx}', 'lib/x.test.ts'])).toEqual([]);
  });

  it('flags paths and globs outside the allowlist', () => {
    expect(checkPlannedFiles(scope, ['lib/x.ts', 'lib/**', '**/*'])).toEqual([
      { path: 'lib/x.ts', rule: 'outside_allowlist' },
      { path: 'lib/**', rule: 'outside_allowlist' },
      { path: '**/*', rule: 'outside_allowlist' },
    ]);
  });

  it('flags denied, always-denied, lockfile and protected entries', () => {
    expect(checkPlannedFiles(scope, ['src/secret/k.ts', 'src/secret/**', '.env', '.env*', '.git/**', 'package-lock.json', 'vitest.config.ts', '../x.ts'])).toEqual([
      { path: 'src/secret/k.ts', rule: 'denylist' },
      { path: 'src/secret/**', rule: 'denylist' },
      { path: '.env', rule: 'always_denied' },
      { path: '.env*', rule: 'always_denied' },
      { path: '.git/**', rule: 'always_denied' },
      { path: 'package-lock.json', rule: 'lockfile' },
      { path: 'vitest.config.ts', rule: 'protected' },
      { path: '../x.ts', rule: 'always_denied' },
    ]);
  });

  it('ignores tool caches, blanks and duplicates', () => {
    expect(checkPlannedFiles(scope, ['coverage/**', '__pycache__/x.pyc', '', '  ', 'lib/a.ts', 'lib/a.ts'])).toEqual([
      { path: 'lib/a.ts', rule: 'outside_allowlist' },
    ]);
  });

  it('with no allowlist only the deny rules apply', () => {
    const open = compiledScope();
    expect(checkPlannedFiles(open, ['anything/**', 'README.md'])).toEqual([]);
    expect(checkPlannedFiles(open, ['.runr/runr.config.json'])).toEqual([{ path: '.runr/runr.config.json', rule: 'always_denied' }]);
  });
});

describe('presets', () => {
  it('has the documented presets', () => {
    for (const name of ['nextjs', 'react', 'drizzle', 'prisma', 'vitest', 'jest', 'playwright', 'typescript', 'tailwind', 'eslint', 'env', 'python', 'pytest', 'go', 'rust', 'vite', 'node']) {
      expect(PRESETS[name], name).toBeDefined();
      expect(PRESETS[name]!.length, name).toBeGreaterThan(0);
    }
  });

  it('reports unknown preset names', () => {
    expect(unknownPresets(['nextjs', 'nope', 'toString', 'env', 'Prisma'])).toEqual(['nope', 'toString', 'Prisma']);
    expect(unknownPresets([])).toEqual([]);
  });

  it('compileScope ignores unknown presets', () => {
    expect(checkScope({ allowlist: ['src/**'], presets: ['nope'] }, ['src/a.ts', 'x.ts']).violations).toEqual([
      { path: 'x.ts', rule: 'outside_allowlist' },
    ]);
  });

  it('typescript preset covers ts sources and tsconfig files', () => {
    expect(checkScope({ presets: ['typescript'] }, ['src/a.ts', 'b.tsx', 'tsconfig.json', 'tsconfig.build.json', 'packages/x/tsconfig.json']).violations).toEqual([]);
  });
});
