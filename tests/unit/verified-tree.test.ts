import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitOnBranch, refusedOnDisk, treeFromDisk } from '../../src/git/verified-tree.js';
import { git } from '../helpers/harness.js';
import { committedRepo } from './git-fixtures.js';

describe('treeFromDisk: the tree of the bytes on disk', () => {
  let repo: string;
  let base: string;
  beforeAll(() => {
    ({ repo, head: base } = committedRepo('runr-tree-', { 'a.txt': 'a\n' }));
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  const fileIn = (tree: string, p: string) => execFileSync('git', ['cat-file', 'blob', `${tree}:${p}`], { cwd: repo, encoding: 'utf8' });

  it('built twice from the same bytes: the same tree; from changed bytes, a new one holding them', async () => {
    fs.writeFileSync(path.join(repo, 'b.txt'), 'one\n');
    const first = await treeFromDisk(repo, base, ['b.txt']);
    const again = await treeFromDisk(repo, base, ['b.txt']);
    expect(first.ok && again.ok && again.tree === first.tree).toBe(true);
    fs.writeFileSync(path.join(repo, 'b.txt'), 'two\n');
    const changed = await treeFromDisk(repo, base, ['b.txt']);
    if (!changed.ok || !first.ok) throw new Error('no tree');
    expect(changed.tree).not.toBe(first.tree);
    expect(fileIn(changed.tree, 'b.txt')).toBe('two\n');
    fs.chmodSync(path.join(repo, 'b.txt'), 0o755);
    const executable = await treeFromDisk(repo, base, ['b.txt']);
    expect(executable.ok && executable.tree !== changed.tree).toBe(true);
  });

  it('on a checkpoint it committed, the next tree starts from the one before (kept in memory) and holds both milestones', async () => {
    fs.writeFileSync(path.join(repo, 'm1.txt'), 'one\n');
    const t1 = await treeFromDisk(repo, base, ['m1.txt']);
    if (!t1.ok) throw new Error('no tree');
    git(repo, 'branch', 'chain', base);
    const made = await commitOnBranch(repo, { tree: t1.tree, parent: base, branch: 'chain', message: 'm1' });
    if (!made.ok) throw new Error(made.detail);
    fs.writeFileSync(path.join(repo, 'm2.txt'), 'two\n');
    const t2 = await treeFromDisk(repo, made.sha, ['m2.txt']);
    if (!t2.ok) throw new Error('no tree');
    expect(git(repo, 'ls-tree', '-r', '--name-only', t2.tree).trim().split('\n')).toEqual(['a.txt', 'm1.txt', 'm2.txt']);
    expect(fileIn(t2.tree, 'm1.txt')).toBe('one\n');
    fs.rmSync(path.join(repo, 'm1.txt'));
    fs.rmSync(path.join(repo, 'm2.txt'));
  });

  it('a deleted file leaves the tree; a nested repository is refused, on disk and as a tree', async () => {
    fs.rmSync(path.join(repo, 'a.txt'));
    const gone = await treeFromDisk(repo, base, ['a.txt']);
    expect(gone.ok && git(repo, 'ls-tree', '--name-only', gone.tree).trim()).toBe('');
    fs.mkdirSync(path.join(repo, 'nested'));
    expect(await refusedOnDisk(repo, base, ['nested'])).toEqual([expect.objectContaining({ path: 'nested' })]);
    expect(await treeFromDisk(repo, base, ['nested'])).toMatchObject({ ok: false, refused: [expect.objectContaining({ path: 'nested' })] });
  });
});
