import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headState, headStateIn } from '../../src/git/refs.js';
import { git } from '../helpers/harness.js';
import { committedRepo } from './git-fixtures.js';

describe('headStateIn: HEAD read from its file says what git says', () => {
  let repo: string;
  let gitDir: string;
  beforeAll(() => {
    ({ repo } = committedRepo('runr-head-'));
    gitDir = path.join(repo, '.git');
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('on a branch, detached, and in a linked worktree', async () => {
    expect(await headStateIn(repo, gitDir)).toBe('refs/heads/main');
    expect(await headStateIn(repo, gitDir)).toBe(await headState(repo));
    git(repo, 'checkout', '-q', '--detach');
    expect(await headStateIn(repo, gitDir)).toMatch(/^detached at [0-9a-f]{12}$/);
    expect(await headStateIn(repo, gitDir)).toBe(await headState(repo));
    git(repo, 'checkout', '-q', 'main');
    const wt = path.join(repo, '..', `${path.basename(repo)}-wt`);
    git(repo, 'worktree', 'add', '-q', '-b', 'side', wt);
    const wtGitDir = path.resolve(wt, git(wt, 'rev-parse', '--git-dir').trim());
    expect(await headStateIn(wt, wtGitDir)).toBe('refs/heads/side');
    git(repo, 'worktree', 'remove', '--force', wt);
  });

  it('asks git when the file holds anything else (a reftable HEAD, a stray line)', async () => {
    const head = path.join(gitDir, 'HEAD');
    const saved = fs.readFileSync(head, 'utf8');
    try {
      fs.writeFileSync(head, 'ref: refs/heads/.invalid\n');
      expect(await headStateIn(repo, gitDir)).toBe(await headState(repo));
      fs.writeFileSync(head, 'ref: refs/heads/main\nextra\n');
      expect(await headStateIn(repo, gitDir)).toBe(await headState(repo));
      expect(await headStateIn(repo, gitDir)).not.toBe('refs/heads/main');
    } finally {
      fs.writeFileSync(head, saved);
    }
  });
});
