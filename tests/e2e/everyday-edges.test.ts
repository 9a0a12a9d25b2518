/**
 * Everyday edges through the built CLI: output larger than a pipe buffer read by a slow reader,
 * limits that would overflow a timer, init --json --print, plurals, a BOM, invalid globs, a run whose
 * journal is gone, and unknown commands.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectHumanError, expectJsonError, plainRepo, runrIn } from '../helpers/cli.js';
import { ok, RUNR_BIN, startRun, TestRepo } from '../helpers/harness.js';

const LIMITS = { stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 };

/** Runs the CLI with stdout to a pipe that is read in small bites with pauses, as a slow `| jq` would. */
function runrSlowly(repo: TestRepo, args: string[]): Promise<{ exitCode: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNR_BIN, ...args], { cwd: repo.dir, env: { ...process.env, ...repo.env() }, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 10);
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout: Buffer.concat(chunks).toString('utf8') }));
  });
}

describe('output larger than a pipe buffer reaches a slow reader whole', () => {
  it('status, report --json and follow --json of a run whose outputs are over 1 MB', async () => {
    // A large task stays out of the state (only its title and the start of its goal are kept): the bulk
    // here is 11,000 blocked files, each named in guard_violation_files and in the stop detail.
    const dir = `out/${'d'.repeat(80)}`;
    const files = Object.fromEntries(Array.from({ length: 11_000 }, (_, i) => [`${dir}/${i}.txt`, 'x\n']));
    const repo = new TestRepo({
      config: { scope: { allowlist: ['src/**'], denylist: [], presets: [], protect: [] } },
      script: { IMPLEMENT: [{ write: files, result: ok() }] },
    });
    const { runId, exitCode } = await startRun(repo, ['--fast']);
    expect(exitCode).toBe(1);
    for (const args of [['status', runId], ['report', runId, '--json'], ['status', '--all']]) {
      const r = await runrSlowly(repo, args);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(r.stdout.length, args.join(' ')).toBeGreaterThan(1_000_000);
      expect(() => JSON.parse(r.stdout), args.join(' ')).not.toThrow();
    }
    const followed = await runrSlowly(repo, ['follow', runId, '--json']);
    expect(followed.exitCode).toBe(1); // follow ends with the run's exit code
    expect(followed.stdout.length).toBeGreaterThan(1_000_000);
    const events = followed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.length).toBe(repo.events(runId).length);
  }, 60_000);
});

describe('limits that become timers have a maximum (exit 2, naming the path and the maximum)', () => {
  const runArgs = (repo: TestRepo, ...extra: string[]) => ['run', '--task', repo.taskPath, '--worktree', '--json', ...extra];

  it('worker_timeout_s, time_budget_min, result_grace_s and lease_expiry_s in the config', async () => {
    const cases: [Record<string, number>, string, string][] = [
      [{ worker_timeout_s: 3_000_000 }, 'limits.worker_timeout_s', '86400'],
      [{ stall_timeout_s: 90_000 }, 'limits.stall_timeout_s', '86400'],
      [{ verify_timeout_s: 90_000 }, 'limits.verify_timeout_s', '86400'],
      [{ time_budget_min: 50_000 }, 'limits.time_budget_min', '10080'],
      [{ result_grace_s: 4_000 }, 'limits.result_grace_s', '3600'],
      [{ lease_expiry_s: 90_000 }, 'limits.lease_expiry_s', '86400'],
    ];
    const repo = new TestRepo();
    for (const [limit, jsonPath, max] of cases) {
      repo.writeConfig({ limits: { ...LIMITS, ...limit } });
      const e = expectJsonError(await repo.runr(runArgs(repo)), 2);
      expect(e.message).toContain(jsonPath);
      expect(e.message).toContain(max);
    }
    repo.writeConfig({ limits: { ...LIMITS, worker_timeout_s: 86_400, time_budget_min: 10_080 } });
    expect((await startRun(repo, ['--fast'])).exitCode).toBe(0);
  }, 60_000);

  it('--time of run and resume, and --timeout of wait', async () => {
    const repo = new TestRepo();
    const e = expectJsonError(await repo.runr(runArgs(repo, '--time', '50000')), 2);
    expect(e.message).toContain('--time');
    expect(e.message).toContain('10080');
    const { runId } = await startRun(repo, ['--fast']);
    expect(expectJsonError(await repo.runr(['resume', runId, '--time', '50000', '--json']), 2).message).toContain('10080');
    expect(expectJsonError(await repo.runr(['wait', runId, '--timeout', '9999999', '--json']), 2).message).toContain('--timeout');
  }, 60_000);
});

describe('small everyday edges', () => {
  it('init --json --print prints the same shape as init --json, with written: false, and writes nothing', async () => {
    const dir = plainRepo({ 'package.json': JSON.stringify({ name: 'x', scripts: { test: 'node t.js' } }) });
    const printed = await runrIn(dir, ['init', '--json', '--print']);
    expect(printed.exitCode).toBe(0);
    const out = printed.json();
    expect(Object.keys(out).sort()).toEqual(['config', 'config_path', 'detected', 'written']);
    expect(out.written).toBe(false);
    expect(out.config.verification.tier2).toEqual(['npm test']);
    expect(fs.existsSync(path.join(dir, '.runr', 'runr.config.json'))).toBe(false);
    const written = (await runrIn(dir, ['init', '--json'])).json();
    expect(Object.keys(written).sort()).toEqual(Object.keys(out).sort());
    expect(written.config).toEqual(out.config);
    expect(written.config_path).toBe(out.config_path);
  });

  it('one milestone is "1 milestone", in the stop summary and in wait', async () => {
    const repo = new TestRepo();
    const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--fast']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('1/1 milestone verified');
    const waited = await repo.runr(['wait', 'latest']);
    expect(waited.stdout).toContain('1 milestone checkpointed');
    expect(r.stdout + waited.stdout).not.toMatch(/\b1 milestones|1\/1 milestones/);
  }, 60_000);

  it('a config file that starts with a UTF-8 byte-order mark is accepted', async () => {
    const repo = new TestRepo();
    const file = path.join(repo.dir, '.runr', 'runr.config.json');
    fs.writeFileSync(file, `\uFEFF${fs.readFileSync(file, 'utf8')}`);
    expect((await startRun(repo, ['--fast'])).exitCode).toBe(0);
  }, 60_000);

  it('an invalid glob in scope.allowlist, denylist or protect is a config error with its JSON path', async () => {
    const repo = new TestRepo();
    for (const key of ['allowlist', 'denylist', 'protect']) {
      repo.writeConfig({ scope: { allowlist: [], denylist: [], presets: [], protect: [], [key]: ['src/**', 'src/['] } });
      const e = expectJsonError(await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json']), 2);
      expect(e.message).toContain(`scope.${key}.1`);
      expect(e.message).toContain('src/[');
    }
  });

  it('a run whose journal was deleted is "not found" (exit 3) for every command, not an internal error', async () => {
    const repo = new TestRepo();
    const { runId } = await startRun(repo, ['--fast']);
    fs.rmSync(path.join(repo.runDir(runId), 'events.ndjson'));
    const commands = [
      ['status', runId, '--json'], ['report', runId, '--json'], ['resume', runId, '--json'], ['approve', runId, '--json'],
      ['reject', runId, '--reason', 'no', '--json'], ['wait', runId, '--json'], ['follow', runId, '--json'],
    ];
    for (const args of commands) {
      const e = expectJsonError(await repo.runr(args, { timeoutMs: 20_000 }), 3);
      expect(e.code, args[0]).toBe('run_not_found');
      expect(e.message).toContain(runId);
    }
    expectHumanError(await repo.runr(['resume', runId]), 3);
  }, 90_000);

  it('an unknown command is a usage error (exit 2), with or without --help', async () => {
    const dir = plainRepo({ 'a.txt': 'a' });
    for (const args of [['deploy', '--help'], ['deploy'], ['--help', 'deploy']]) {
      const r = await runrIn(dir, args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain("'deploy'");
      expect(r.stderr).toContain('runr --help');
    }
    const e = expectJsonError(await runrIn(dir, ['deploy', 'run', '--json']), 2);
    expect(e.code).toBe('usage');
    expect(e.message).toContain('deploy');
    // A known command with a missing required option is a usage error too, naming the option.
    const missing = expectJsonError(await runrIn(dir, ['orchestrate', 'run', '--json']), 2);
    expect(missing.message).toContain('--config');
    expect((await runrIn(dir, ['status', '--help'])).exitCode).toBe(0);
    expect((await runrIn(dir, ['--help'])).exitCode).toBe(0);
  });
});
