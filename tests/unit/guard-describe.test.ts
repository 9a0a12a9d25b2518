import { describe, expect, it } from 'vitest';
import { describeViolations } from '../../src/guard/describe.js';

describe('how a stop names the guard violations', () => {
  it('names each path with why it is blocked', () => {
    expect(describeViolations([
      { path: 'README.md', rule: 'outside_allowlist' },
      { path: 'yarn.lock', rule: 'lockfile' },
      { path: 'src/link', rule: 'symlink_escape' },
    ])).toBe('README.md (outside scope.allowlist), yarn.lock (a lockfile (allowed only with --allow-deps)), src/link (a symlink that leads outside the worktree)');
  });

  it('names a secret by file, line and kind, and says how to resolve it; never the secret itself', () => {
    expect(describeViolations([{ path: 'src/a.ts', rule: 'secret', line: 3, shape: 'GitHub token' }]))
      .toBe('src/a.ts:3 (adds a secret-shaped string: GitHub token; remove it, or list the file in scope.secrets_allow)');
    expect(describeViolations([{ path: 'b.txt', rule: 'secret' }]))
      .toBe('b.txt:? (adds a secret-shaped string; remove it, or list the file in scope.secrets_allow)');
  });

  it('is empty for no violations', () => {
    expect(describeViolations([])).toBe('');
  });
});
