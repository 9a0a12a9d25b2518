import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { findSymlinkEscapes } from '../../src/guard/index.js';

let base: string;
let repo: string;
let outside: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'runr-guard-'));
  repo = path.join(base, 'repo');
  outside = path.join(base, 'outside');
  await mkdir(path.join(repo, 'src'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(repo, 'src', 'a.ts'), 'export {};\n');
  await writeFile(path.join(outside, 'secret.txt'), 'secret\n');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('findSymlinkEscapes', () => {
  it('ignores regular files', async () => {
    expect(await findSymlinkEscapes(repo, ['src/a.ts'])).toEqual([]);
  });

  it('flags a symlink pointing to a sibling directory outside the repo', async () => {
    await symlink(path.join(outside, 'secret.txt'), path.join(repo, 'src', 'leak.txt'));
    expect(await findSymlinkEscapes(repo, ['src/leak.txt'])).toEqual([{ path: 'src/leak.txt', rule: 'symlink_escape' }]);
  });

  it('flags a relative symlink climbing out of the repo', async () => {
    await symlink('../../outside/secret.txt', path.join(repo, 'src', 'rel.txt'));
    expect(await findSymlinkEscapes(repo, ['src/rel.txt'])).toEqual([{ path: 'src/rel.txt', rule: 'symlink_escape' }]);
  });

  it('flags a symlink to /etc', async () => {
    await symlink('/etc', path.join(repo, 'etc'));
    expect(await findSymlinkEscapes(repo, ['etc'])).toEqual([{ path: 'etc', rule: 'symlink_escape' }]);
  });

  it('flags a dangling symlink whose target would be outside', async () => {
    await symlink(path.join(outside, 'does-not-exist'), path.join(repo, 'dangling'));
    expect(await findSymlinkEscapes(repo, ['dangling'])).toEqual([{ path: 'dangling', rule: 'symlink_escape' }]);
  });

  it('does not flag a symlink pointing inside the repo', async () => {
    await symlink('a.ts', path.join(repo, 'src', 'alias.ts'));
    await symlink(path.join(repo, 'src'), path.join(repo, 'src-link'));
    await symlink('src/missing.ts', path.join(repo, 'dangling-inside'));
    expect(await findSymlinkEscapes(repo, ['src/alias.ts', 'src-link', 'src-link/a.ts', 'dangling-inside'])).toEqual([]);
  });

  it('flags a file inside a symlinked directory that points outside', async () => {
    await symlink(outside, path.join(repo, 'vendor'));
    expect(await findSymlinkEscapes(repo, ['vendor/secret.txt'])).toEqual([{ path: 'vendor/secret.txt', rule: 'symlink_escape' }]);
  });

  it('flags a link inside the repo chained to a link that escapes', async () => {
    await symlink(outside, path.join(repo, 'out'));
    await symlink('out/secret.txt', path.join(repo, 'chained'));
    expect(await findSymlinkEscapes(repo, ['chained'])).toEqual([
      { path: 'chained', rule: 'symlink_escape' },
    ]);
  });

  it('skips missing paths and names outside the repo', async () => {
    expect(await findSymlinkEscapes(repo, ['src/deleted.ts', '../outside/secret.txt', ''])).toEqual([]);
  });

  it('works when workDir itself is reached through a symlink', async () => {
    const alias = path.join(base, 'repo-alias');
    await symlink(repo, alias);
    await symlink('a.ts', path.join(repo, 'src', 'alias.ts'));
    await symlink(outside, path.join(repo, 'vendor'));
    expect(await findSymlinkEscapes(alias, ['src/a.ts', 'src/alias.ts', 'vendor/secret.txt'])).toEqual([
      { path: 'vendor/secret.txt', rule: 'symlink_escape' },
    ]);
  });
});
