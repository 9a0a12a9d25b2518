// A file rewritten between runr's own hashing and git's (verification still running while the tree is built
// ahead): the tree holds what git hashed, and a caller that hashed the first bytes never takes it. The
// rewrite is made deterministic by doing it just before git's hash-object starts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { git } from '../helpers/harness.js';
import { committedRepo } from './git-fixtures.js';

const rewrites = vi.hoisted(() => ({ before: null as null | (() => void), after: null as null | (() => void) }));
vi.mock('../../src/git/git.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/git/git.js')>();
  return {
    ...real,
    gitExec: async (cwd: string, args: string[], opts?: Parameters<typeof real.gitExec>[2]) => {
      const { before, after } = args[0] === 'hash-object' ? rewrites : { before: null, after: null };
      if (before) rewrites.before = null;
      if (after) rewrites.after = null;
      before?.();
      const result = await real.gitExec(cwd, args, opts);
      after?.();
      return result;
    },
  };
});

const { treeFromDisk } = await import('../../src/git/verified-tree.js');

describe('treeFromDisk while the file changes under it', () => {
  let repo: string;
  let base: string;
  beforeAll(() => {
    ({ repo, head: base } = committedRepo('runr-tree-race-', { 'a.txt': 'a\n' }));
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  const fileIn = (tree: string) => git(repo, 'cat-file', 'blob', `${tree}:race.txt`);

  it('the tree in flight holds what git hashed; a second caller that hashed the first bytes builds its own', async () => {
    const file = path.join(repo, 'race.txt');
    fs.writeFileSync(file, 'first\n');
    // Hashed here as "first"; just before git hashes it, the file becomes "second", and a second caller, which
    // hashes "first" again (the file put back), asks while the first tree is still being built.
    let second: Promise<Awaited<ReturnType<typeof treeFromDisk>>> | null = null;
    rewrites.before = () => fs.writeFileSync(file, 'second\n');
    rewrites.after = () => {
      fs.writeFileSync(file, 'first\n');
      second = treeFromDisk(repo, base, ['race.txt']);
    };
    const first = await treeFromDisk(repo, base, ['race.txt']);
    expect(first.ok && fileIn(first.tree)).toBe('second');
    const other = await second!;
    expect(other.ok && fileIn(other.tree)).toBe('first');
  });

  it('a tree built while git hashed other bytes is never kept: a later caller hashing the first bytes gets one whose blobs exist', async () => {
    const file = path.join(repo, 'gone.txt');
    fs.writeFileSync(file, 'never written\n');
    rewrites.before = () => fs.writeFileSync(file, 'written\n');
    const first = await treeFromDisk(repo, base, ['gone.txt']);
    expect(first.ok && git(repo, 'cat-file', 'blob', `${first.tree}:gone.txt`)).toBe('written');
    fs.writeFileSync(file, 'never written\n');
    const later = await treeFromDisk(repo, base, ['gone.txt']);
    expect(later.ok && git(repo, 'cat-file', 'blob', `${later.tree}:gone.txt`)).toBe('never written');
  });
});
