import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobSha1 } from '../../src/git/blob-hash.js';
import { filesSay, knownGitDirs, refFromFiles } from '../../src/git/ref-files.js';
import { git } from '../helpers/harness.js';
import { committedRepo } from './git-fixtures.js';

describe('refs and blob ids read without a git process say what git says', () => {
  let repo: string;
  let first: string;
  let second: string;
  beforeAll(() => {
    ({ repo, head: first } = committedRepo('runr-reffiles-'));
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'two');
    second = git(repo, 'rev-parse', 'HEAD').trim();
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('a loose ref, a packed one, and HEAD through the branch it is on', async () => {
    const common = path.join(repo, '.git');
    expect(refFromFiles(common, 'refs/heads/main')).toBe(second);
    git(repo, 'branch', 'old', first);
    git(repo, 'pack-refs', '--all');
    expect(fs.existsSync(path.join(common, 'refs/heads/old'))).toBe(false);
    expect(refFromFiles(common, 'refs/heads/old')).toBe(first);
    expect(await filesSay(repo, { branch: 'old' }, first)).toBe(true);
    expect(await filesSay(repo, { branch: 'old' }, second)).toBe(false);
    expect(await filesSay(repo, 'HEAD', second)).toBe(true);
    git(repo, 'checkout', '-q', '--detach', first);
    expect(await filesSay(repo, 'HEAD', first)).toBe(true);
    git(repo, 'checkout', '-q', 'main');
  });

  it('says nothing (null) where the files are not plain: a symbolic ref, a missing ref, a reftable repository', () => {
    const common = path.join(repo, '.git');
    git(repo, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
    expect(refFromFiles(common, 'refs/heads/alias')).toBeNull();
    expect(refFromFiles(common, 'refs/heads/none')).toBeNull();
    fs.mkdirSync(path.join(common, 'reftable'));
    try {
      expect(refFromFiles(common, 'refs/heads/main')).toBeNull();
    } finally {
      fs.rmdirSync(path.join(common, 'reftable'));
    }
  });

  it('knownGitDirs follows a changed .git file (a worktree re-added under another admin directory)', async () => {
    const wt = (name: string) => {
      const dir = path.join(repo, '..', `${path.basename(repo)}-${name}`);
      git(repo, 'worktree', 'add', '-q', '-b', name, dir);
      return { dir, admin: fs.readFileSync(path.join(dir, '.git'), 'utf8') };
    };
    const [one, two] = [wt('one'), wt('two')];
    const probe = path.join(repo, '..', `${path.basename(repo)}-probe`);
    fs.mkdirSync(probe);
    try {
      fs.writeFileSync(path.join(probe, '.git'), one.admin);
      expect((await knownGitDirs(probe)).gitDir).toBe(path.join(repo, '.git', 'worktrees', path.basename(one.dir)));
      fs.writeFileSync(path.join(probe, '.git'), two.admin);
      expect((await knownGitDirs(probe)).gitDir).toBe(path.join(repo, '.git', 'worktrees', path.basename(two.dir)));
    } finally {
      for (const d of [one.dir, two.dir, probe]) fs.rmSync(d, { recursive: true, force: true });
      git(repo, 'worktree', 'prune');
    }
  });

  it('blobSha1 is git hash-object --no-filters of the raw bytes, empty and binary files included', () => {
    const cases: Array<[string, Buffer]> = [['empty', Buffer.alloc(0)], ['text', Buffer.from('a\r\nb\n')], ['binary', Buffer.from([0, 255, 10, 13, 0])]];
    for (const [name, bytes] of cases) {
      const file = path.join(repo, name);
      fs.writeFileSync(file, bytes);
      expect(blobSha1(file)).toBe(git(repo, 'hash-object', '--no-filters', name).trim());
    }
  });
});
