import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import { findAddedSecrets } from '../../src/guard/secrets.js';
import type { ChangedPath } from '../../src/guard/index.js';
import { FAKE_SECRETS } from '../helpers/fake-secrets.js';

const freshDir = tempDirsRemovedAfterEach('runr-secrets-allow-');
const { github, aws } = FAKE_SECRETS;

/** A worktree with `files`; `before` is the last checkpoint's contents, and every path it was asked for is recorded. */
async function check(files: Record<string, string>, changes: ChangedPath[], opts: { before?: Record<string, string>; allow?: string[] } = {}) {
  const workDir = freshDir();
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workDir, f)), { recursive: true });
    fs.writeFileSync(path.join(workDir, f), text);
  }
  const before = opts.before ?? {};
  const asked: string[] = [];
  const violations = await findAddedSecrets({
    workDir, changes, allow: opts.allow ?? [],
    before: (p) => {
      asked.push(p);
      return p in before ? (async function* () { yield Buffer.from(before[p]!); })() : null;
    },
  });
  return { violations, asked };
}
const added = (...paths: string[]): ChangedPath[] => paths.map((p) => ({ path: p, status: 'added' }));

describe('scope.secrets_allow as written in the config', () => {
  it('ignores blank entries and whitespace around a glob', async () => {
    const files = { 'fixtures/k.txt': github, 'src/k.txt': github };
    const { violations } = await check(files, added(...Object.keys(files)), { allow: ['', '   ', ' fixtures/** '] });
    expect(violations.map((v) => v.path)).toEqual(['src/k.txt']);
  });

  it('a plain path allows that file only; a trailing slash allows the directory', async () => {
    const files = { 'fixtures/k.txt': github, 'fixtures/k.txt.bak': github, 'data/deep/k.txt': github };
    const { violations } = await check(files, added(...Object.keys(files)), { allow: ['fixtures/k.txt', 'data/'] });
    expect(violations.map((v) => v.path)).toEqual(['fixtures/k.txt.bak']);
  });

  it('a glob reaches dotfiles too', async () => {
    const files = { 'fixtures/.secrets': github, 'fixtures/.hidden/k.txt': aws };
    expect((await check(files, added(...Object.keys(files)), { allow: ['fixtures/**'] })).violations).toEqual([]);
  });
});

describe('what the guard reads of the last checkpoint', () => {
  it('nothing when no changed file adds a secret-shaped string', async () => {
    const changes: ChangedPath[] = [{ path: 'old.txt', status: 'deleted' }, { path: 'a.txt', status: 'modified' }, ...added('b.txt')];
    const { violations, asked } = await check({ 'a.txt': 'plain\n', 'b.txt': 'also plain\n' }, changes, { before: { 'old.txt': github } });
    expect(violations).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('the removed files and the modified files that hold a hit; never a new file', async () => {
    const changes: ChangedPath[] = [
      { path: 'old.txt', status: 'deleted' }, { path: 'a.txt', status: 'modified' }, { path: 'plain.txt', status: 'modified' },
      ...added('new.txt'), { path: 'u.txt', status: 'untracked' },
    ];
    const files = { 'a.txt': `${github}\n`, 'plain.txt': 'x\n', 'new.txt': `${aws}\n`, 'u.txt': `${aws}\n` };
    const { violations, asked } = await check(files, changes, { before: { 'new.txt': aws, 'u.txt': aws } });
    expect(asked.sort()).toEqual(['a.txt', 'old.txt']);
    expect(violations).toEqual([
      { path: 'a.txt', rule: 'secret', line: 1, shape: 'GitHub token' },
      { path: 'new.txt', rule: 'secret', line: 1, shape: 'AWS access key id' },
      { path: 'u.txt', rule: 'secret', line: 1, shape: 'AWS access key id' },
    ]);
  });

  it('a path listed twice is reported once', async () => {
    const { violations } = await check({ 'a.txt': github }, [...added('a.txt'), { path: './a.txt', status: 'modified' }]);
    expect(violations).toEqual([{ path: 'a.txt', rule: 'secret', line: 1, shape: 'GitHub token' }]);
  });
});
