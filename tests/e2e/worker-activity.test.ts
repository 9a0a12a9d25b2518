// A worker's activity as it happens: a command worker's stderr lines in `run`'s progress while the call runs,
// in the journal (redacted), in `follow` and `replay` afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { RunEventSchema } from '../../src/contracts/events.js';
import { approve, ok, plan, RUNR_BIN, TestRepo } from '../helpers/harness.js';
import { FAKE_SECRETS, fragments } from '../helpers/fake-secrets.js';

const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) fs.rmSync(path.dirname(repo.dir), { recursive: true, force: true });
});
/** A test repo removed after the test. */
function newRepo(): TestRepo {
  const repo = new TestRepo();
  repos.push(repo);
  return repo;
}

const LINES = ['compiling src/greet.js', 'running 3 tests', `using token ${FAKE_SECRETS.github}`];

describe('worker activity', () => {
  it('shows a command worker\'s stderr lines while its call runs, journals them redacted, and follow and replay show them later', async () => {
    const repo = newRepo();
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({
      PLAN: [{ result: plan('add greeting') }],
      IMPLEMENT: [{ stderr_lines: ['', ...LINES], stderr_gap_ms: 600, wait_for: release, write: { 'src/greet.js': 'x\n' }, result: ok() }],
      REVIEW: [{ result: approve() }],
    });
    const child = execa(process.execPath, [RUNR_BIN, 'run', '--task', repo.taskPath, '--worktree'], {
      cwd: repo.dir, env: repo.env(), reject: false, timeout: 60_000, stdin: 'ignore',
    });
    // The agent waits for `release` after its last line: seeing the lines before then proves they were shown
    // while the call ran (not only once it ended).
    let output = '';
    let seenLive = false;
    let released = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!released && output.includes('· running 3 tests')) {
        seenLive = true;
        released = true;
        fs.writeFileSync(release, 'go');
      }
    });
    const giveUp = setTimeout(() => {
      released = true;
      fs.writeFileSync(release, 'go');
    }, 15_000);
    const r = await child;
    clearTimeout(giveUp);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(seenLive, r.stdout).toBe(true);

    const lines = r.stdout.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at('    · compiling src/greet.js')).toBeGreaterThan(at('IMPLEMENT  m1 attempt 1:'));
    expect(at('    · running 3 tests')).toBeGreaterThan(at('    · compiling src/greet.js'));
    expect(at('IMPLEMENT  m1 attempt 1 done')).toBeGreaterThan(at('    · using token [REDACTED]'));
    expect(lines.filter((l) => l.includes(' · ')).map((l) => l.trim())).toEqual([
      '· compiling src/greet.js', '· running 3 tests', '· using token [REDACTED]',
    ]);

    const runId = /Run (\d{14}\S*)/.exec(r.stdout)?.[1] ?? fs.readdirSync(path.join(repo.dir, '.runr', 'runs'))[0]!;
    const events = repo.events(runId).map((e) => RunEventSchema.parse(e));
    const activity = events.filter((e) => e.type === 'worker_activity');
    // Three lines 600 ms apart: more than one event (flushed at most every second), all of the IMPLEMENT call.
    expect(activity.length).toBeGreaterThan(1);
    const implement = events.find((e) => e.type === 'effect_started' && e.effect.kind === 'worker' && e.effect.phase === 'IMPLEMENT');
    expect(new Set(activity.map((e) => e.effect_id))).toEqual(new Set([implement!.type === 'effect_started' ? implement!.effect.id : '']));
    const items = activity.flatMap((e) => e.items);
    expect(items.map((i) => i.text)).toEqual(['compiling src/greet.js', 'running 3 tests', 'using token [REDACTED]']);
    expect(items.every((i) => i.kind === 'log')).toBe(true);
    expect(items.map((i) => i.at_ms)).toEqual([...items.map((i) => i.at_ms)].sort((a, b) => a - b));
    expect(items.at(-1)!.at_ms).toBeGreaterThanOrEqual(1000);
    // Between the call's start and its result: the machine went on as if they were not there.
    const seqOf = (e: { seq: number }) => e.seq;
    const result = events.find((e) => e.type === 'effect_result' && e.effect_id === activity[0]!.effect_id)!;
    expect(activity.every((e) => seqOf(e) > seqOf(implement!) && seqOf(e) < seqOf(result))).toBe(true);

    const journal = fs.readFileSync(path.join(repo.runDir(runId), 'events.ndjson'), 'utf8');
    const leaked = (text: string) => fragments(FAKE_SECRETS.github).some((f) => text.includes(f));
    expect(leaked(journal)).toBe(false);
    expect(leaked(r.stdout + r.stderr)).toBe(false);

    const follow = await repo.runr(['follow', runId]);
    expect(follow.exitCode, follow.stderr).toBe(0);
    expect(follow.stdout).toContain('    · compiling src/greet.js');
    expect(follow.stdout).toContain('    · using token [REDACTED]');
    expect(leaked(follow.stdout)).toBe(false);

    const replay = await repo.runr(['replay', runId]);
    expect(replay.exitCode, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/IMPLEMENT m1 a1 activity: compiling src\/greet\.js/);
    expect(leaked(replay.stdout)).toBe(false);
  }, 90_000);

  it.skipIf(!fs.existsSync('/usr/bin/script'))('on a terminal the spinner shows the step with the worker\'s latest line, not a line per item', async () => {
    const repo = newRepo();
    repo.setScript({
      PLAN: [{ result: plan('add greeting') }],
      IMPLEMENT: [{ stderr_lines: ['compiling src/greet.js', 'running 3 tests'], stderr_gap_ms: 1200, sleep_ms: 1500, write: { 'src/greet.js': 'x\n' }, result: ok() }],
      REVIEW: [{ result: approve() }],
    });
    const { NO_COLOR: _, ...env } = repo.env();
    // A pty made by `script` has no size; ora then cannot measure lines, so give it one.
    const line = `stty cols 160 rows 30; exec "${process.execPath}" "${RUNR_BIN}" run --task "${repo.taskPath}" --worktree`;
    const r = await execa('script', ['-qfec', line, '/dev/null'], {
      cwd: repo.dir, env: { ...env, TERM: 'xterm' }, extendEnv: false, stdin: 'pipe', reject: false, all: true, timeout: 60_000,
    });
    expect(r.exitCode, r.all).toBe(0);
    const text = (r.all ?? '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(text).toMatch(/IMPLEMENT {2}m1 attempt 1: add greeting \(\d+s\) · compiling src\/greet\.js/);
    expect(text).toMatch(/IMPLEMENT {2}m1 attempt 1: add greeting \(\d+s\) · running 3 tests/);
    expect(text).not.toContain('    · compiling');
  }, 90_000);

  it('a worker that prints nothing on stderr journals no activity', async () => {
    const repo = newRepo();
    const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const runId = JSON.parse(r.stdout.split('\n')[0]!).run_id as string;
    expect(repo.events(runId).some((e) => e.type === 'worker_activity')).toBe(false);
  });
});
