// runr as a library: watchRun (the auto-resume policy loop of `runr watch`) and followRun (`runr follow`) return data.
// Resumed runs execute in a detached `runr` process: the built CLI (npm run build) is what runs them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WatchEventSchema, type WatchEvent } from '../../src/contracts/outputs.js';
import * as runr from '../../src/index.js';
import { approve, ok, plan, type Script } from '../helpers/harness.js';
import { failingCheckWithNewErrors, flakyCheck, libraryRepo } from '../helpers/e2e-support.js';

const addA: Script = { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] };

/** Every event of a watch, each checked against the `runr watch --json` contract, and how the watching ended. */
async function watchToEnd(watching: runr.RunWatch) {
  const events: WatchEvent[] = [];
  for await (const event of watching.events()) events.push(WatchEventSchema.parse(event));
  return { events, kinds: events.map((e) => e.event).filter((k) => k !== 'watching'), result: await watching.result };
}

const resumes = (runDir: string) => fs.readFileSync(path.join(runDir, 'events.ndjson'), 'utf8').split('\n').filter((l) => l.includes('"run_resumed"')).length;

describe('watchRun', () => {
  it('auto-resumes a run that stopped resumably, in a background process, until it completes', async () => {
    const repo = libraryRepo(addA);
    const counter = path.join(repo.stateDir, 'flaky-count');
    repo.write('check.js', flakyCheck(counter, 3));
    repo.git('commit', '-qam', 'flaky check');
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath });

    const watching = await runr.watchRun(repo.dir, run.id, { autoResume: true, cooldownS: 0, intervalMs: 200 });
    const { events, kinds, result } = await watchToEnd(watching);
    expect((await run.result).state.stop_reason).toBe('verification_failed_max_retries');
    expect(kinds).toEqual(['failed', 'resumed', 'succeeded']);
    expect(events.find((e) => e.event === 'failed')).toMatchObject({ stop_reason: 'verification_failed_max_retries', attempt: 0 });
    expect(events.at(-1)).toMatchObject({ event: 'succeeded', run_id: run.id, milestones_completed: 1 });
    expect(result).toEqual({ end: 'succeeded', stopReason: 'complete', attempts: 1, exitCode: runr.EXIT.ok });
    const status = await runr.runStatus(repo.dir, run.id);
    expect(status.stop_reason).toBe('complete');
    expect(fs.readFileSync(counter, 'utf8')).toBe('4');
    // events() replays from the first event for every reader.
    const again: WatchEvent[] = [];
    for await (const event of watching.events()) again.push(event);
    expect(again).toEqual(events);
  });

  it('never resumes a stop that needs a person: it ends `stopped` with what to do', async () => {
    const repo = libraryRepo({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { '.env': 'SECRET=1\n' }, result: ok() }] });
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath });

    const { events, kinds, result } = await watchToEnd(await runr.watchRun(repo.dir, run.id, { autoResume: true, cooldownS: 0, intervalMs: 200 }));
    expect(kinds).toEqual(['stopped']);
    expect(events.at(-1)).toMatchObject({ stop_reason: 'guard_violation', next_action: 'resolve_scope_violation' });
    expect(result).toEqual({ end: 'stopped', stopReason: 'guard_violation', attempts: 0, exitCode: runr.exitCodeFor('guard_violation') });
    expect(resumes(run.runDir)).toBe(0);
  });

  it('gives up after maxAttempts resumes, naming the next command', async () => {
    const repo = libraryRepo({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }] });
    repo.write('check.js', failingCheckWithNewErrors(path.join(repo.stateDir, 'failures')));
    repo.git('commit', '-qam', 'always failing check');
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath });

    const { events, kinds, result } = await watchToEnd(await runr.watchRun(repo.dir, run.id, { autoResume: true, maxAttempts: 1, cooldownS: 0, intervalMs: 200 }));
    expect(kinds).toEqual(['failed', 'resumed', 'gave_up']);
    expect(events.at(-1)).toMatchObject({ stop_reason: 'verification_failed_max_retries', attempt: 1, suggested_command: `runr resume ${run.id}` });
    expect(result).toMatchObject({ end: 'gave_up', stopReason: 'verification_failed_max_retries', attempts: 1 });
    expect(result.exitCode).toBe(runr.exitCodeFor('verification_failed_max_retries'));
    expect(resumes(run.runDir)).toBe(1);
  });

  it('an aborted signal ends the watching, never the run', async () => {
    const repo = libraryRepo({});
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({ ...addA, PLAN: [{ wait_for: release, result: plan('add a') }] });
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath });
    const abort = new AbortController();
    const watching = await runr.watchRun(repo.dir, run.id, { intervalMs: 100, signal: abort.signal });
    const seen: WatchEvent[] = [];
    for await (const event of watching.events()) {
      seen.push(event);
      abort.abort();
    }
    expect(new Set(seen.map((e) => e.event))).toEqual(new Set(['watching']));
    expect(await watching.result).toEqual({ end: 'aborted', stopReason: null, attempts: 0, exitCode: runr.EXIT.interrupted });
    const status = await runr.runStatus(repo.dir, run.id);
    expect(status.phase).toBe('PLAN');
    expect(status.lease).toEqual({ pid: process.pid, alive: true });
    fs.writeFileSync(release, '');
    expect((await run.result).state.stop_reason).toBe('complete');
  });

  it('an aborted signal during the cooldown ends the watching before any resume', async () => {
    const repo = libraryRepo(addA);
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath, maxTicks: 1 });
    expect((await run.result).state.stop_reason).toBe('max_ticks_reached');
    const abort = new AbortController();
    const watching = await runr.watchRun(repo.dir, run.id, { autoResume: true, cooldownS: 3600, signal: abort.signal });
    const seen: WatchEvent[] = [];
    for await (const event of watching.events()) {
      seen.push(event);
      if (event.event === 'failed') abort.abort();
    }
    expect(seen.map((e) => e.event)).toEqual(['failed']);
    expect(await watching.result).toMatchObject({ end: 'aborted', stopReason: 'max_ticks_reached', attempts: 0 });
    expect(resumes(run.runDir)).toBe(0);
  });
});

describe('followRun', () => {
  it('without an id follows the newest run being executed, to its end; with none executing it is run_not_found', async () => {
    const repo = libraryRepo({});
    await expect(runr.latestRunId(repo.dir, { running: true })).rejects.toMatchObject({ code: 'run_not_found', exitCode: runr.EXIT.notFound });
    await expect(runr.followRun(repo.dir)).rejects.toMatchObject({ code: 'run_not_found' });
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({ ...addA, PLAN: [{ wait_for: release, result: plan('add a') }] });
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath });
    expect(await runr.latestRunId(repo.dir, { running: true })).toBe(run.id);

    const following = await runr.followRun(repo.dir);
    expect(following.id).toBe(run.id);
    setTimeout(() => fs.writeFileSync(release, ''), 300);
    const types: string[] = [];
    for await (const { event } of following.events()) types.push(event.type);
    const result = await following.result;
    expect(types).toEqual(repo.events(run.id).map((e) => e.type));
    expect(result).toMatchObject({ end: 'terminal', exitCode: runr.EXIT.ok, report: { outcome: 'complete' } });
    expect(result.state?.stop_reason).toBe('complete');
    // Finished now: it is still `latest`, but no longer running.
    expect(await runr.latestRunId(repo.dir)).toBe(run.id);
    await expect(runr.latestRunId(repo.dir, { running: true })).rejects.toMatchObject({ code: 'run_not_found' });
  });
});
