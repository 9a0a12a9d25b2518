// JSON on a terminal: one document (status, report --json, an error) is indented for a person to read; piped it is
// one line, as always; a stream (follow --json) stays one object per line even on a terminal. The terminal is a
// pseudo-terminal made by util-linux `script`, as in interrupt-tty.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { RUNR_BIN, TestRepo } from '../helpers/harness.js';
import { runToEnd } from '../helpers/e2e-support.js';

const made: TestRepo[] = [];
const newRepo = (): TestRepo => {
  const repo = new TestRepo();
  made.push(repo);
  return repo;
};
afterEach(() => {
  for (const repo of made.splice(0)) fs.rmSync(path.dirname(repo.dir), { recursive: true, force: true });
});

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** runr with stdout on a pty (stderr to a file, so the terminal shows stdout alone); returns what the terminal got. */
async function runrOnTerminal(repo: TestRepo, args: string[]): Promise<{ exitCode: number; stdout: string }> {
  const stderrFile = path.join(repo.stateDir, 'tty-stderr.txt');
  const line = `stty cols 100 rows 30; exec ${quote(process.execPath)} ${quote(RUNR_BIN)} ${args.map(quote).join(' ')} 2>${quote(stderrFile)}`;
  const r = await execa('script', ['-qfec', line, '/dev/null'], {
    cwd: repo.dir, env: repo.env(), extendEnv: false, stdin: 'pipe', reject: false, timeout: 60_000, stripFinalNewline: false,
  });
  // A terminal turns every "\n" into "\r\n".
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout.replace(/\r\n/g, '\n') };
}

/** runr with stdout on a pipe, every byte kept (the harness's runr drops the final newline). */
async function runrPiped(repo: TestRepo, args: string[]): Promise<{ exitCode: number; stdout: string }> {
  const r = await execa(process.execPath, [RUNR_BIN, ...args], {
    cwd: repo.dir, env: repo.env(), reject: false, timeout: 60_000, stdin: 'ignore', stripFinalNewline: false,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout };
}

const isOneLine = (text: string) => text.endsWith('\n') && !text.slice(0, -1).includes('\n');

describe.skipIf(!fs.existsSync('/usr/bin/script'))('JSON on a terminal and through a pipe', () => {
  it('status, report --json and an error are indented on a terminal, the same objects as the one line each prints piped', async () => {
    const repo = newRepo();
    const { runId, exitCode } = await runToEnd(repo);
    expect(exitCode).toBe(0);

    for (const args of [['status', runId], ['report', runId, '--json'], ['status', 'no-such-run', '--json']]) {
      const piped = await runrPiped(repo, args);
      expect(isOneLine(piped.stdout), piped.stdout).toBe(true);
      const shown = await runrOnTerminal(repo, args);
      expect(shown.exitCode).toBe(piped.exitCode);
      expect(shown.stdout).toBe(`${JSON.stringify(JSON.parse(piped.stdout), null, 2)}\n`);
      expect(shown.stdout.split('\n').length).toBeGreaterThan(3);
      expect(shown.stdout).toMatch(/^ {2}"/m);
    }
  }, 90_000);

  it('follow --json stays one event per line on a terminal, the same lines as piped', async () => {
    const repo = newRepo();
    const { runId } = await runToEnd(repo);
    const piped = await runrPiped(repo, ['follow', runId, '--json']);
    const shown = await runrOnTerminal(repo, ['follow', runId, '--json']);
    expect(shown.exitCode).toBe(piped.exitCode);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(repo.events(runId).length);
    expect(lines.map((l) => JSON.parse(l))).toEqual(repo.events(runId));
    expect(shown.stdout).toBe(piped.stdout);
  }, 90_000);

  it('run --json prints its start line as one line on a terminal, and a stream\'s error is one line too', async () => {
    const repo = newRepo();
    const started = await runrOnTerminal(repo, ['run', '--task', repo.taskPath, '--worktree', '--json']);
    expect(started.exitCode).toBe(0);
    expect(isOneLine(started.stdout), started.stdout).toBe(true);
    expect(JSON.parse(started.stdout)).toMatchObject({ status: 'started' });

    const failed = await runrOnTerminal(repo, ['follow', 'no-such-run', '--json']);
    expect(failed.exitCode).toBe(3);
    expect(isOneLine(failed.stdout), failed.stdout).toBe(true);
    expect(JSON.parse(failed.stdout)).toMatchObject({ error: { code: expect.any(String) } });
  }, 90_000);
});
