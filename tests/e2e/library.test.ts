// runr as a library (docs/library.md): the documented example runs as it is, and a run started through the
// library and one started by the CLI are the same thing on disk, each seen by the other.
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportOutputSchema } from '../../src/contracts/outputs.js';
import * as runr from '../../src/index.js';
import { startRun as startWithCli } from '../helpers/harness.js';
import { approve, git, ok, plan, ROOT, TestRepo } from '../helpers/harness.js';
import { flakyCheck, libraryRepo } from '../helpers/e2e-support.js';

/** The program in docs/library.md, as a file that imports runr by its package name. */
function documentedExample(repo: TestRepo): string {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'library.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error('docs/library.md has no ```js block');
  const dir = path.join(path.dirname(repo.dir), 'example');
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'runr'));
  fs.writeFileSync(path.join(dir, 'example.mjs'), code);
  return path.join(dir, 'example.mjs');
}

describe('docs/library.md', () => {
  it('its example program starts a run, streams its events and prints its report', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: plan('add a', 'add b') }],
        'IMPLEMENT:m1': [{ write: { 'a.js': 'a\n' }, result: ok() }],
        'IMPLEMENT:m2': [{ write: { 'b.js': 'b\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const example = documentedExample(repo);
    const r = await execa(process.execPath, [example, repo.dir, repo.taskPath], { cwd: repo.dir, env: repo.env(), reject: false, timeout: 60_000 });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const runId = /^started run (\S+)$/m.exec(r.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(r.stdout).toMatch(/^#1 run_started +PLAN$/m);
    expect(r.stdout).toMatch(/effect_result +CHECKPOINT m2\/2$/m);
    expect(r.stdout).toContain('complete: 2 of 2 milestone(s) checkpointed');
    expect(r.stdout).toContain('next: none');
    // The events printed are the journal's, one line each.
    expect(r.stdout.split('\n').filter((l) => l.startsWith('#')).length).toBe(repo.events(runId!).length);
    // The CLI sees the same run, with its checkpoints on its branch.
    const report = (await repo.runr(['report', runId!, '--json'])).json(ReportOutputSchema);
    expect(report.outcome).toBe('complete');
    expect(git(repo.dir, 'log', '--format=%s', `runr/${runId}`).split('\n').filter((s) => s.startsWith('runr:'))).toHaveLength(2);
  });
});

describe('library and CLI: one run on disk', () => {
  it('a run the library executes is waited on by `runr wait` and read by `runr status`', async () => {
    const repo = libraryRepo({});
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ wait_for: release, write: { 'a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] });
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath });
    const waiting = repo.runr(['wait', run.id, '--json']);
    const live = (await repo.runr(['status', run.id])).json();
    expect(live.phase).not.toBe('STOPPED');
    // Executed by this process, under its lease.
    expect(live.stale).toBeUndefined();
    expect(live.lease).toEqual({ pid: process.pid, alive: true });
    fs.writeFileSync(release, '');
    const waited = await waiting;
    expect(waited.exitCode, waited.stderr).toBe(0);
    expect(waited.json().stop_reason).toBe('complete');
    const { state, report } = await run.result;
    expect(state.stop_reason).toBe('complete');
    expect(report.milestones).toEqual({ completed: 1, total: 1 });
  });

  it('a run the CLI started in the background is waited on, followed and reported by the library', async () => {
    const repo = new TestRepo({ script: { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] } });
    const started = await startWithCli(repo, ['--detach']);
    const end = await runr.waitForRun(repo.dir, started.runId, { timeoutMs: 60_000 });
    expect(end.end).toBe('terminal');
    const seen: string[] = [];
    for await (const { event } of runr.followRunEvents(repo.dir, 'latest')) seen.push(event.type);
    expect(seen).toEqual(repo.events(started.runId).map((e) => e.type));
    const report = await runr.runReport(repo.dir, started.runId);
    expect(report).toEqual((await repo.runr(['report', started.runId, '--json'])).json());
    expect((await runr.listRuns(repo.dir))[0]).toBe(started.runId);
  });

  it('cancel() stops the run with interrupted; resumeRun completes it; a bad id is a RunrError with the CLI\'s code', async () => {
    const repo = libraryRepo({});
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ wait_for: release, write: { 'a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] });
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath });
    for await (const { state } of run.events()) if (state.phase === 'IMPLEMENT' && state.queue.pending[0]?.kind === 'worker') break;
    run.cancel('the test');
    const stopped = await run.result;
    expect(stopped.state.stop_reason).toBe('interrupted');
    expect(stopped.report.suggested_command).toBe(`runr resume ${run.id}`);
    fs.writeFileSync(release, '');
    const resumed = await runr.resumeRun(repo.dir, run.id);
    expect((await resumed.result).state.stop_reason).toBe('complete');
    await expect(runr.runStatus(repo.dir, '20990101000000')).rejects.toMatchObject({ code: 'run_not_found', exitCode: runr.EXIT.notFound });
  });

  it('a run handed to a background process goes on without this one; resumed in the background, it completes', async () => {
    const repo = libraryRepo({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] });
    repo.write('check.js', flakyCheck(path.join(repo.stateDir, 'flaky-count'), 3));
    repo.git('commit', '-qam', 'flaky check');
    const started = await runr.startRunInBackground({ repo: repo.dir, task: repo.taskPath });
    expect(started.pid).not.toBe(process.pid);
    const stopped = await runr.waitForRun(repo.dir, started.id, { timeoutMs: 60_000 });
    expect(stopped).toMatchObject({ end: 'terminal', output: { run_id: started.id, stop_reason: 'verification_failed_max_retries' } });
    expect(stopped.exitCode).toBe(runr.exitCodeFor('verification_failed_max_retries'));
    const resumed = await runr.resumeRunInBackground(repo.dir, started.id);
    expect(resumed.id).toBe(started.id);
    const done = await runr.waitForRun(repo.dir, 'latest', { timeoutMs: 60_000 });
    expect(done).toMatchObject({ end: 'terminal', exitCode: runr.EXIT.ok, output: { stop_reason: 'complete', milestones_completed: 1 } });
  });

  it('a handle carries the warnings the CLI prints when the run starts', async () => {
    const repo = libraryRepo({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] });
    const config = JSON.parse(repo.read('.runr/runr.config.json'));
    repo.writeConfig({ ...config, verification: { tier0: [], tier1: [], tier2: [] } });
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath });
    expect(run.notices).toContainEqual(expect.stringContaining('no verification commands are configured'));
    expect((await run.result).state.stop_reason).toBe('complete');
    const checked = libraryRepo({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] });
    const quiet = await runr.startRun({ repo: checked.dir, task: checked.taskPath });
    expect(quiet.notices).not.toContainEqual(expect.stringContaining('verification'));
    await quiet.result;
  });

  it('baseRef starts the run\'s branch at another branch', async () => {
    const repo = libraryRepo({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] });
    const main = git(repo.dir, 'rev-parse', 'HEAD').trim();
    git(repo.dir, 'checkout', '-q', '-b', 'feature');
    repo.write('feature.txt', 'f\n');
    git(repo.dir, 'add', 'feature.txt');
    git(repo.dir, 'commit', '-q', '-m', 'feature');
    const feature = git(repo.dir, 'rev-parse', 'HEAD').trim();
    git(repo.dir, 'checkout', '-q', main);
    const run = await runr.startRun({ repo: repo.dir, task: repo.taskPath, baseRef: 'feature' });
    const { state } = await run.result;
    expect(state.stop_reason).toBe('complete');
    expect(state.base_sha).toBe(feature);
    expect(git(repo.dir, 'merge-base', '--is-ancestor', feature, `runr/${run.id}`)).toBe('');
    await expect(runr.startRun({ repo: repo.dir, task: repo.taskPath, baseRef: 'no-such-branch' })).rejects.toMatchObject({ code: 'base_ref_not_found' });
  });
});
