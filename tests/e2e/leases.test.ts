import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { ErrorOutputSchema, StartOutputSchema, WaitOutputSchema } from '../../src/contracts/outputs.js';
import { TestRepo, ok, RUNR_BIN } from '../helpers/harness.js';
import {
  expectCompleteTwoMilestoneRun,
  resumeToCompletion, startCrashingRun, expectOneLineError, promptKeys, statusNow, statusOf, TWO_MILESTONE_KEYS,
  twoMilestoneScript, until,
} from '../helpers/crash.js';


function leaseFile(repo: TestRepo, runId: string): string {
  return path.join(repo.runDir(runId), 'lease.json');
}

function writeLease(repo: TestRepo, runId: string, pid: number, heartbeatAgoMs: number, promised: { expiry_ms?: number } = {}): void {
  const at = new Date(Date.now() - heartbeatAgoMs).toISOString();
  fs.writeFileSync(leaseFile(repo, runId), JSON.stringify({
    pid, host: os.hostname(), token: 'not-yours', started_at: at, heartbeat_at: at, ...promised,
  }));
}

/** A pid that surely belongs to no process: one that has just exited. */
function deadPid(): number {
  const r = execaSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout);
}

function newestRunDir(repo: TestRepo): string | null {
  const runs = path.join(repo.dir, '.runr', 'runs');
  const ids = fs.existsSync(runs) ? fs.readdirSync(runs).filter((n) => /^\d{14}$/.test(n)).sort() : [];
  return ids.length ? path.join(runs, ids.at(-1)!) : null;
}

/** Starts a run in the foreground and waits until it is in IMPLEMENT, executed by a live process. */
async function runningInImplement(repo: TestRepo, env: Record<string, string> = {}) {
  const running = repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json'], { env });
  const runDir = await until(() => newestRunDir(repo), 'the run directory');
  const live = await until(async () => {
    const s = await statusNow(runDir);
    return s?.phase === 'IMPLEMENT' && s.lease ? s : null;
  }, 'IMPLEMENT');
  return { running, runDir, runId: path.basename(runDir), live };
}

/** A run stopped by kill -9 after IMPLEMENT of m1 was journaled (lease.json left behind by the dead executor). */
async function crashedRun(repo: TestRepo): Promise<string> {
  const r = await startCrashingRun(repo, '7');
  expect(fs.existsSync(leaseFile(repo, r.runId))).toBe(true);
  return r.runId;
}

describe('the run lease', () => {
  it('is shown live while a run executes, and a second executor is refused with exit 4', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript({ 'IMPLEMENT:m1': [{ sleep_ms: 2500, write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') }] }) });
    const running = repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json']);
    const runDir = await until(() => newestRunDir(repo), 'the run directory');
    const runId = path.basename(runDir);
    const live = await until(async () => {
      const s = await statusNow(runDir);
      return s?.phase === 'IMPLEMENT' ? s : null;
    }, 'IMPLEMENT');
    expect(live.stale).toBeUndefined();

    const s = await statusOf(repo, runId);
    const holder = JSON.parse(fs.readFileSync(leaseFile(repo, runId), 'utf8'));
    expect(s.lease).toEqual({ pid: holder.pid, alive: true });
    expect(s.stale).toBeUndefined();
    expect(s.next_action).toBe('none');

    const second = await repo.runr(['resume', runId]);
    expect(second.exitCode, second.stderr).toBe(4);
    expectOneLineError(second);
    expect(second.stderr).toContain(String(holder.pid));
    const secondJson = await repo.runr(['resume', runId, '--json']);
    expect(secondJson.exitCode).toBe(4);
    expect(secondJson.json(ErrorOutputSchema).error.code).toBe('locked');
    // The refused attempt took nothing away from the holder.
    expect(JSON.parse(fs.readFileSync(leaseFile(repo, runId), 'utf8')).token).toBe(holder.token);
    expect(repo.events(runId).filter((e) => e.type === 'run_resumed')).toHaveLength(0);

    const done = await running;
    expect(done.exitCode, done.stderr).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, runId);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });

  it('of a dead executor is reclaimed by resume (here with --detach)', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const runId = await crashedRun(repo);
    writeLease(repo, runId, deadPid(), 0); // fresh heartbeat, but nobody behind it
    const s = await statusOf(repo, runId);
    expect(s.stale).toBe(true);
    expect(s.lease).toBeUndefined();
    expect(s.next_action).toBe('resume');

    const r = await repo.runr(['resume', runId, '--detach', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const w = await repo.runr(['wait', runId, '--for', 'terminal', '--timeout', '30', '--json']);
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.json(WaitOutputSchema)).toMatchObject({ stop_reason: 'complete', milestones_completed: 2 });
    await expectCompleteTwoMilestoneRun(repo, runId);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });

  it('whose heartbeat expired is reclaimed even though its pid is alive', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const runId = await crashedRun(repo);
    writeLease(repo, runId, process.ppid, 60 * 60_000); // a live, unrelated process; heartbeat an hour old
    expect((await statusOf(repo, runId)).stale).toBe(true);
    await resumeToCompletion(repo, runId);
  });

  it('counts as live until the expiry it promises (default 30 s) has passed since its heartbeat', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const runId = await crashedRun(repo);
    writeLease(repo, runId, process.ppid, 3_000);
    // Default expiry (30 s): a live pid with a 3 s old heartbeat holds the run.
    expect((await statusOf(repo, runId)).lease).toEqual({ pid: process.ppid, alive: true });
    const refused = await repo.runr(['resume', runId]);
    expect(refused.exitCode, refused.stderr).toBe(4);
    // The same lease from an executor that promised a 1 s expiry is stale, and is reclaimed.
    writeLease(repo, runId, process.ppid, 3_000, { expiry_ms: 1000 });
    expect((await statusOf(repo, runId)).stale).toBe(true);
    const r = await repo.runr(['resume', runId]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, runId);
  });
});

describe('a live run keeps its lease', () => {
  it('stays live, not stale and not reclaimable, long past its lease expiry: its heartbeat keeps the lease fresh', async () => {
    const repo = new TestRepo({
      config: { limits: { stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1, lease_heartbeat_s: 0.2, lease_expiry_s: 1 } },
    });
    // The worker holds IMPLEMENT until the test releases it (in the state dir: the sandbox lets the worker see it).
    const release = path.join(repo.stateDir, 'release');
    repo.setScript(twoMilestoneScript({ 'IMPLEMENT:m1': [{ wait_for: release, write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') }] }));
    const { running, runDir, runId } = await runningInImplement(repo);
    try {
      const first = JSON.parse(fs.readFileSync(leaseFile(repo, runId), 'utf8'));
      expect(first.expiry_ms).toBe(1000);
      // Three expiries after the first heartbeat, with the worker still busy: the lease has been refreshed.
      const expiredAt = Date.parse(first.heartbeat_at) + 3 * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, expiredAt - Date.now())));
      const s = await statusOf(repo, runId);
      expect(s.phase).toBe('IMPLEMENT');
      expect(s.stale).toBeUndefined();
      expect(s.lease).toEqual({ pid: first.pid, alive: true });
      expect((await statusNow(runDir))?.waiting ?? null).toBeNull();
      const now = JSON.parse(fs.readFileSync(leaseFile(repo, runId), 'utf8'));
      expect(now.token).toBe(first.token);
      expect(Date.parse(now.heartbeat_at)).toBeGreaterThan(Date.parse(first.heartbeat_at) + 1000);
      const second = await repo.runr(['resume', runId]);
      expect(second.exitCode, second.stderr).toBe(4);
    } finally {
      fs.writeFileSync(release, '');
    }
    const done = await running;
    expect(done.exitCode, done.stdout + done.stderr).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, runId);
  });
});

describe('two executors never run the same run', () => {
  it('an executor that was frozen past its lease expiry finds its lease taken over and journals nothing more', async () => {
    const fast = { RUNR_LEASE_EXPIRY_MS: '1000', RUNR_LEASE_HEARTBEAT_MS: '200' };
    const repo = new TestRepo({
      script: twoMilestoneScript({
        'IMPLEMENT:m1': [{ sleep_ms: 2000 }, { write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') }],
      }),
    });
    const { running: frozen, runDir, runId, live } = await runningInImplement(repo, fast);
    const pid = live.lease!.pid;
    process.kill(pid, 'SIGSTOP'); // as a suspended laptop or a stopped job would
    let resumed;
    try {
      await new Promise((r) => setTimeout(r, 1500));
      resumed = await repo.runr(['resume', runId], { env: fast });
      expect(resumed.exitCode, resumed.stderr + resumed.stdout).toBe(0);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const journal = fs.readFileSync(path.join(runDir, 'events.ndjson'), 'utf8');
    const woke = await frozen;
    const story = `resume:\n${resumed.stdout}${resumed.stderr}\nfrozen executor:\n${woke.stdout}${woke.stderr}\njournal tail:\n${journal.split('\n').slice(-6).join('\n')}`;
    expect(woke.exitCode, story).toBe(4);
    expect(woke.stderr).toMatch(/no longer holds|taken over/);
    expect(fs.readFileSync(path.join(runDir, 'events.ndjson'), 'utf8'), story).toBe(journal);
    expect((await statusOf(repo, runId)).stop_reason, story).toBe('complete');
    await expectCompleteTwoMilestoneRun(repo, runId);
  });
});

describe('an executor frozen while journaling', () => {
  it('wakes up after the takeover without starting a worker, and leaves state.json matching the journal', async () => {
    const fast = { RUNR_LEASE_EXPIRY_MS: '1000', RUNR_LEASE_HEARTBEAT_MS: '200' };
    const repo = new TestRepo({ script: twoMilestoneScript() });
    // Event 6 is IMPLEMENT m1's effect_started: the executor stops itself right after journaling it.
    const frozen = repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json'], { env: { ...fast, RUNR_TEST_FREEZE_AFTER_SEQ: '6' } });
    const runDir = await until(() => newestRunDir(repo), 'the run directory');
    const runId = path.basename(runDir);
    const pid = await until(() => {
      try {
        const holder = JSON.parse(fs.readFileSync(leaseFile(repo, runId), 'utf8')).pid as number;
        return / T /.test(fs.readFileSync(`/proc/${holder}/stat`, 'utf8')) ? holder : null;
      } catch {
        return null;
      }
    }, 'the executor to stop itself');
    try {
      await until(async () => ((await statusNow(runDir))?.stale ? true : null), 'the lease to expire');
      const resumed = await repo.runr(['resume', runId], { env: fast });
      expect(resumed.exitCode, resumed.stderr).toBe(0);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const woke = await frozen;
    expect(woke.exitCode, woke.stderr).toBe(4);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
    await expectCompleteTwoMilestoneRun(repo, runId);
  });
});

describe('lease timing from the config', () => {
  it('lease.json promises limits.lease_expiry_s; a frozen executor\'s run turns stale once it has passed', async () => {
    const repo = new TestRepo({
      config: { limits: { stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1, lease_heartbeat_s: 0.2, lease_expiry_s: 1.5 } },
      script: twoMilestoneScript({ 'IMPLEMENT:m1': [{ sleep_ms: 2500, write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') }] }),
    });
    const { running: frozen, runDir, runId, live } = await runningInImplement(repo);
    expect(JSON.parse(fs.readFileSync(leaseFile(repo, runId), 'utf8')).expiry_ms).toBe(1500);
    process.kill(live.lease!.pid, 'SIGSTOP');
    try {
      // First the heartbeat is overdue: status says the run waits for the lease to expire, and until when.
      const waiting = await until(async () => (await statusNow(runDir))?.waiting ?? null, 'a lease wait', 10_000);
      const lease = JSON.parse(fs.readFileSync(leaseFile(repo, runId), 'utf8'));
      expect(waiting).toEqual({ reason: 'lease', since: lease.heartbeat_at, retry_at: new Date(Date.parse(lease.heartbeat_at) + 1500).toISOString() });
      const stale = await until(async () => ((await statusNow(runDir))?.stale ? true : null), 'the run to turn stale', 10_000);
      expect(stale).toBe(true);
      expect((await repo.runr(['resume', runId])).exitCode).toBe(0);
    } finally {
      process.kill(live.lease!.pid, 'SIGCONT');
    }
    expect((await frozen).exitCode).toBe(4);
    await expectCompleteTwoMilestoneRun(repo, runId);
  });

  it('refuses a heartbeat that is not shorter than the expiry (config_invalid, exit 2)', async () => {
    const repo = new TestRepo({ config: { limits: { lease_heartbeat_s: 30, lease_expiry_s: 10 } } });
    const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toContain('limits.lease_heartbeat_s: lease_heartbeat_s must be shorter than lease_expiry_s');
  });
});

describe('racing resumes', () => {
  it('of one stale run: exactly one takes it over, the others are refused with exit 4', async () => {
    const repo = new TestRepo({
      script: twoMilestoneScript({ 'IMPLEMENT:m2': [{ sleep_ms: 1500, write: { 'src/b.js': 'export const b = 2;\n' }, result: ok('b') }] }),
    });
    const runId = await crashedRun(repo);
    const results = await Promise.all([1, 2, 3].map(() => repo.runr(['resume', runId])));
    expect(results.map((r) => r.exitCode).sort(), results.map((r) => r.stderr).join('\n')).toEqual([0, 4, 4]);
    expect(repo.events(runId).filter((e) => e.type === 'run_resumed')).toHaveLength(1);
    await expectCompleteTwoMilestoneRun(repo, runId);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });

  it('a corrupt lease.json left behind is no lease at all', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const runId = await crashedRun(repo);
    fs.writeFileSync(leaseFile(repo, runId), '{"pid": 12');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(leaseFile(repo, runId), old, old);
    expect((await statusOf(repo, runId)).stale).toBe(true);
    await resumeToCompletion(repo, runId);
  });
});

describe('run --detach', () => {
  it('exits 0 at once, completes in the background, and is never reported stale during the hand-over', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript({ 'IMPLEMENT:m1': [{ sleep_ms: 3000, write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') }] }) });
    // Watch from before the run exists until it is terminal, as fast as status can be computed.
    const seen: { stale: number; polls: number; pids: Set<number> } = { stale: 0, polls: 0, pids: new Set() };
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        const dir = newestRunDir(repo);
        const s = dir ? await statusNow(dir) : null;
        if (s) {
          seen.polls++;
          if (s.stale) seen.stale++;
          if (s.lease) seen.pids.add(s.lease.pid);
          if (s.phase === 'STOPPED' && !s.stale && !s.lease) return;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();

    const started = Date.now();
    const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--detach', '--json']);
    const elapsed = Date.now() - started;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(elapsed).toBeLessThan(2500); // the agent alone sleeps 3 s in IMPLEMENT
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const { run_id: runId } = StartOutputSchema.parse(JSON.parse(lines[0]!));

    const s = await statusOf(repo, runId);
    expect(s.phase).not.toBe('STOPPED');
    expect(s.lease?.alive).toBe(true);
    if (process.platform === 'linux') { // the holder is the background supervisor, not the exited `run`
      const cmdline = fs.readFileSync(`/proc/${s.lease!.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toEqual(expect.arrayContaining([RUNR_BIN, '__supervise', runId]));
    }

    const w = await repo.runr(['wait', runId, '--for', 'terminal', '--timeout', '30', '--json']);
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.json(WaitOutputSchema)).toEqual({ run_id: runId, phase: 'STOPPED', stop_reason: 'complete', milestones_completed: 2 });
    await until(() => !fs.existsSync(leaseFile(repo, runId)), 'the lease to be released', 5_000);
    stop = true;
    await watcher;
    expect(seen.polls).toBeGreaterThan(20);
    expect(seen.stale).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, runId);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });
});
