import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointFiles, checkpointFilesOfMany } from '../../src/git/checkpoint-files.js';
import { git } from '../helpers/harness.js';
import { committedReposRemovedAfterEach } from './git-fixtures.js';

describe('checkpointFilesOfMany: the files of several checkpoints from one git process', () => {
  const newRepo = committedReposRemovedAfterEach('runr-cpfiles-');
  let repo = '';

  const commit = (files: Record<string, string | null>) => {
    for (const [name, text] of Object.entries(files)) {
      if (text === null) fs.rmSync(path.join(repo, name));
      else fs.writeFileSync(path.join(repo, name), text);
    }
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'c');
    return git(repo, 'rev-parse', 'HEAD').trim();
  };

  it('gives each commit its own changes, as checkpointFiles would one by one, whatever the file names look like', async () => {
    repo = newRepo({ 'a.txt': 'a\n' });
    const shaLike = 'e030e9e57e945d6b1d6e4e71f02b3b48da99c5d4';
    const shas = [commit({ 'a.txt': 'a2\n', [shaLike]: 'x\n' }), commit({}), commit({ 'a.txt': null, 'M': 'm\n' })];
    const many = await checkpointFilesOfMany(repo, shas);
    for (const sha of shas) expect(many.get(sha)).toEqual(await checkpointFiles(repo, sha, `${sha}^`));
    expect(many.get(shas[0]!)).toEqual([{ status: 'M', path: 'a.txt' }, { status: 'A', path: shaLike }]);
    expect(many.get(shas[1]!)).toEqual([]);
    expect(many.get(shas[2]!)).toEqual([{ status: 'A', path: 'M' }, { status: 'D', path: 'a.txt' }]);
  });

  it('a commit that is gone is null, the others still answered', async () => {
    repo = newRepo({ 'a.txt': 'a\n' });
    const sha = commit({ 'b.txt': 'b\n' });
    const gone = '0123456789abcdef0123456789abcdef01234567';
    const many = await checkpointFilesOfMany(repo, [sha, gone]);
    expect(many.get(sha)).toEqual([{ status: 'A', path: 'b.txt' }]);
    expect(many.get(gone)).toBeNull();
  });
});
