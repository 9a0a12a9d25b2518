import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { forgedObjects } from '../../src/git/object-check.js';
import { git } from '../helpers/harness.js';
import { committedReposRemovedAfterEach } from './git-fixtures.js';

describe('forgedObjects: a checkpoint\'s objects read back and hashed', () => {
  const newRepo = committedReposRemovedAfterEach('runr-objcheck-');
  let repo = '';

  /** Commits `files` and returns the commit and its tree. */
  const commitFiles = (files: Record<string, string | Buffer>) => {
    for (const [name, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
      fs.writeFileSync(path.join(repo, name), data);
    }
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'c');
    return { commit: git(repo, 'rev-parse', 'HEAD').trim(), tree: git(repo, 'rev-parse', 'HEAD^{tree}').trim() };
  };
  /** Overwrites the loose object `id` with an object of `type` holding `body`. */
  const plant = (id: string, type: string, body: Buffer) => {
    const file = path.join(repo, '.git', 'objects', id.slice(0, 2), id.slice(2));
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, zlib.deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body])));
  };

  it('finds nothing wrong in honest objects: binary, empty and large files, nested directories, a deleted path', async () => {
    repo = newRepo({ 'gone.txt': 'x\n' });
    fs.rmSync(path.join(repo, 'gone.txt'));
    const big = Buffer.alloc(3 << 20, 7);
    const top = commitFiles({ 'bin.dat': Buffer.from([0, 10, 255, 10, 0]), 'empty': '', 'a/b/c.txt': 'c\n', 'big.bin': big });
    const paths = ['bin.dat', 'empty', 'a/b/c.txt', 'big.bin', 'gone.txt'];
    expect(await forgedObjects(repo, top, () => paths)).toEqual([]);
  });

  it('finds a blob, a tree deep in the path and a commit that hold other content than their ids say', async () => {
    repo = newRepo();
    const top = commitFiles({ 'a/b/c.txt': 'honest\n' });
    const blob = git(repo, 'rev-parse', `${top.tree}:a/b/c.txt`).trim();
    const subtree = git(repo, 'rev-parse', `${top.tree}:a/b`).trim();
    plant(blob, 'blob', Buffer.from('planted\n'));
    expect(await forgedObjects(repo, top, () => ['a/b/c.txt'], { fresh: true })).toEqual([expect.stringContaining(`${top.tree}:a/b/c.txt`)]);
    plant(subtree, 'tree', Buffer.concat([Buffer.from('100644 evil.sh\0'), createHash('sha1').update('x').digest()]));
    expect(await forgedObjects(repo, top, () => ['a/b/c.txt'], { fresh: true })).toContainEqual(expect.stringContaining(`${top.tree}:a/b:`));
    plant(top.commit, 'commit', Buffer.from(`tree ${top.tree}\nauthor x <x> 0 +0000\ncommitter x <x> 0 +0000\n\nplanted\n`));
    expect(await forgedObjects(repo, top, () => ['a/b/c.txt'], { fresh: true })).toContainEqual(expect.stringContaining(`${top.commit}:`));
  });

  it('answers a check asked for before from memory, unless fresh', async () => {
    repo = newRepo();
    const top = commitFiles({ 'f.txt': 'f\n' });
    expect(await forgedObjects(repo, top, () => ['f.txt'])).toEqual([]);
    plant(git(repo, 'rev-parse', `${top.tree}:f.txt`).trim(), 'blob', Buffer.from('planted\n'));
    expect(await forgedObjects(repo, top, () => ['f.txt'])).toEqual([]);
    expect(await forgedObjects(repo, top, () => ['f.txt'], { fresh: true })).toHaveLength(1);
  });
});
