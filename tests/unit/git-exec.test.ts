import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitCommandError, gitExec } from '../../src/git/git.js';

describe('gitExec', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-gitexec-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes input on stdin and returns stdout as git printed it (final newline kept)', async () => {
    await gitExec(dir, ['init', '-q']);
    const r = await gitExec(dir, ['hash-object', '--stdin'], { input: 'hello\n' });
    expect(r).toEqual({ stdout: 'ce013625030ba8dba906f756967f9e9ca394464a\n', stderr: '', exitCode: 0 });
  });

  it('a failing command throws GitCommandError with its exit code and stderr, or answers with them when reject is false', async () => {
    await expect(gitExec(dir, ['rev-parse', '--verify', 'no-such-ref'])).rejects.toBeInstanceOf(GitCommandError);
    const r = await gitExec(dir, ['rev-parse', '--verify', 'no-such-ref'], { reject: false });
    expect(r.exitCode).toBe(128);
    expect(r.stderr).toMatch(/fatal/);
  });

  it('a directory that does not exist is an error, not a hang', async () => {
    const r = await gitExec(path.join(dir, 'missing'), ['status'], { reject: false });
    expect(r.exitCode).toBe(-1);
    expect(r.stderr).toMatch(/ENOENT/);
  });

  it('lays runr\'s neutralised config over the repository\'s (hooks off)', async () => {
    const r = await gitExec(dir, ['config', 'core.hooksPath']);
    expect(r.stdout.trim()).toBe('/dev/null');
  });

  it('a large output arrives whole', async () => {
    const big = 'x'.repeat(3_000_000);
    const sha = (await gitExec(dir, ['hash-object', '-w', '--stdin'], { input: big })).stdout.trim();
    expect((await gitExec(dir, ['cat-file', 'blob', sha])).stdout).toBe(big);
  });

  it("a failure's message names what git names (a lock file left behind), not only git's closing advice", async () => {
    fs.writeFileSync(path.join(dir, '.git', 'index.lock'), '');
    try {
      await expect(gitExec(dir, ['reset', '-q'])).rejects.toThrow(/index\.lock/);
    } finally {
      fs.rmSync(path.join(dir, '.git', 'index.lock'));
    }
  });
});
