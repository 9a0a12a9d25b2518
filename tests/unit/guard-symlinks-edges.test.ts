import fs from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLinkViolations, type ChangedPath } from '../../src/guard/index.js';
import { compiledScope, changedPaths } from '../helpers/scope.js';

let base: string;
let repo: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'runr-guard-edges-'));
  repo = path.join(base, 'repo');
  await mkdir(path.join(repo, 'src'), { recursive: true });
  await writeFile(path.join(repo, 'src', 'a.ts'), 'export {};\n');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Plain strings are new (untracked) paths. */
function linkViolations(changes: (string | ChangedPath)[], workDir = repo) {
  return findLinkViolations(workDir, compiledScope(), changedPaths(changes, 'untracked'));
}

const link = (target: string, at: string) => symlink(target, path.join(repo, at));

describe('new directories', () => {
  it('a new ordinary directory is fine; a new one holding .git is a nested repository, whether added or untracked', async () => {
    await mkdir(path.join(repo, 'plain', 'sub'), { recursive: true });
    await mkdir(path.join(repo, 'nested-a', '.git'), { recursive: true });
    await mkdir(path.join(repo, 'nested-u', '.git'), { recursive: true });
    expect(await linkViolations([{ path: 'plain', status: 'added' }, 'plain/sub', { path: 'nested-a', status: 'added' }, 'nested-u/'])).toEqual([
      { path: 'nested-a', rule: 'always_denied' },
      { path: 'nested-u', rule: 'always_denied' },
    ]);
  });
});

describe('names under a linked directory', () => {
  it('a regular .gitmodules reached through a linked directory is not a symlink named .gitmodules', async () => {
    await writeFile(path.join(repo, 'src', '.gitmodules'), '');
    await link('src', 'vendor');
    expect(await linkViolations(['vendor/.gitmodules'])).toEqual([]);
  });

  it('a file under a link whose text is absolute on Windows leads outside', async () => {
    await link('C:\\Users\\x', 'src/win');
    expect(await linkViolations(['src/win/y.ts'])).toEqual([{ path: 'src/win/y.ts', rule: 'symlink_escape' }]);
  });
});

describe('following links', () => {
  it('a cycle of links ends (it leads nowhere denied)', async () => {
    await link('b', 'src/a-link');
    await link('a-link', 'src/b');
    expect(await linkViolations(['src/a-link', 'src/b'])).toEqual([]);
  });

  it('a link deep in a worktree reached through a symlink resolves inside it', async () => {
    const deep = Array.from({ length: 45 }, () => 'd').join('/');
    await mkdir(path.join(repo, deep), { recursive: true });
    await writeFile(path.join(repo, deep, 'f.txt'), '');
    await link('f.txt', `${deep}/alias.txt`);
    const alias = path.join(base, 'repo-alias');
    await symlink(repo, alias);
    expect(await linkViolations([`${deep}/alias.txt`], alias)).toEqual([]);
  });
});

describe('a link to a directory', () => {
  it('looks at no more than 10,000 entries under it, breadth first', async () => {
    const data = path.join(repo, 'data');
    fs.mkdirSync(path.join(data, 'many'), { recursive: true });
    for (let i = 0; i < 10_000; i++) fs.writeFileSync(path.join(data, 'many', `f${i}`), '');
    fs.mkdirSync(path.join(data, 'late', 'deeper', 'deepest'), { recursive: true });
    fs.writeFileSync(path.join(data, 'late', 'deeper', 'deepest', '.env'), 'TOKEN=1\n');
    await link('data', 'data-link');
    await link('data/late', 'late-link');
    expect(await linkViolations(['data-link', 'late-link'])).toEqual([{ path: 'late-link', rule: 'symlink_to_denied' }]);
  });
});
