// Workers confined with bubblewrap (SPEC §11): what a confined worker can and cannot write, in a
// worktree and in place; sandbox "off"; and what runr does where bubblewrap is missing (auto, required).
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DoctorOutputSchema, ErrorOutputSchema } from '../../src/contracts/outputs.js';
import { approve, ok, plan, TestRepo } from '../helpers/harness.js';
import { agentFile, reportOf, runToEnd, statusOf, worktreeOf, type XScript } from '../helpers/e2e-support.js';
import { TEST_HOMES } from '../helpers/real-clis.js';

/** Where bubblewrap is "missing": RUNR_BWRAP names the binary runr looks for. */
const NO_BWRAP = { RUNR_BWRAP: '/nonexistent/bwrap' };

/** A file in the real HOME of whoever runs the tests, removed afterwards. */
const homeFile = path.join(os.homedir(), `.runr-sandbox-test-${process.pid}`);
afterEach(() => fs.rmSync(homeFile, { force: true }));

/** Verification that tries to write the user's checkout, recording the outcome where the test can read it. */
const VERIFY_PROBE = `const fs = require('fs');
let outcome = 'ok';
try { fs.writeFileSync(process.argv[2], 'verification was here'); } catch (e) { outcome = e.code; }
fs.writeFileSync(process.env.AGENT_STATE_DIR + '/verify-try.txt', outcome);
`;

function oneMilestone(implement: XScript[string][number]): XScript {
  return { PLAN: [{ result: plan('the change') }], IMPLEMENT: [implement], REVIEW: [{ result: approve() }] };
}

const tries = (repo: TestRepo): Record<string, string> => JSON.parse(agentFile(repo, 'tries.json'));
/** The files' contents; runr itself adds `/.runr/` to info/exclude when a run starts, so only the worker's text counts there. */
const snapshot = (files: string[]) => Object.fromEntries(files.map((f) => {
  const text = fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null;
  return [f, f.endsWith('info/exclude') ? text?.includes('worker was here') : text];
}));

describe('a confined worker (sandbox auto, bubblewrap present)', () => {
  it('in a worktree: writes there land and are checkpointed; writes anywhere else fail with EROFS and change nothing', async () => {
    const repo = new TestRepo({ files: { 'probe.cjs': VERIFY_PROBE } });
    repo.writeConfig({ verification: { tier0: [], tier1: [], tier2: [`node probe.cjs ${path.join(repo.dir, 'README.md')}`] } });
    fs.writeFileSync(homeFile, 'home\n');
    const g = (p: string) => path.join(repo.dir, '.git', p);
    const targets = [path.join(repo.dir, 'README.md'), homeFile, g('config'), g('hooks/post-checkout'), g('info/exclude'), path.join(repo.dir, '.runr', 'runr.config.json')];
    const privateTmp = path.join(os.tmpdir(), `runr-sandbox-private-${process.pid}`);
    repo.setScript(oneMilestone({
      write: { 'src/a.js': 'export const a = 1;\n', 'README.md': '# changed in the worktree\n' },
      try_write: { ...Object.fromEntries(targets.map((t) => [t, 'worker was here\n'])), '$RUNR_RUN_DIR/events.ndjson': '{}\n', [privateTmp]: 'x' },
      try_kill_runr: true,
      exec: [['git', 'status', '--porcelain'], ['git', 'diff', '--stat']],
      exec_log: 'git.json',
      result: ok(),
    }));
    const before = snapshot(targets);

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.stop_reason).toBe('complete');
    expect(tries(repo)).toEqual({
      ...Object.fromEntries(targets.map((t) => [t, 'EROFS'])),
      '$RUNR_RUN_DIR/events.ndjson': 'EROFS',
      [privateTmp]: 'ok', // its own /tmp, gone with it
      'kill runr': 'ESRCH', // runr does not exist in the worker's pid namespace
    });
    expect(snapshot(targets)).toEqual(before);
    expect(fs.existsSync(privateTmp)).toBe(false);
    expect(repo.events(run.runId).every((e) => typeof e.type === 'string')).toBe(true); // the journal is runr's own
    expect(repo.git('show', `runr/${run.runId}:src/a.js`)).toBe('export const a = 1;');
    expect(repo.git('show', `runr/${run.runId}:README.md`)).toBe('# changed in the worktree');
    // git works inside the sandbox.
    const gitRuns = JSON.parse(agentFile(repo, 'git.json'));
    expect(gitRuns.map((r: { status: number }) => r.status)).toEqual([0, 0]);
    expect(gitRuns[0].stdout).toContain('?? src/');
    expect(gitRuns[1].stdout).toContain('README.md');
    // Verification runs the worker's code: confined too.
    expect(agentFile(repo, 'verify-try.txt')).toBe('EROFS');
    expect(run.status.sandbox).toMatchObject({ mode: 'auto', active: true, workers: { planner: true, implementer: true, reviewer: true } });
    expect(run.report.sandbox).toEqual(run.status.sandbox);
  });

  it('in place: writes in the checkout land; .git (but its objects) and .runr stay read-only; git status and diff work', async () => {
    const repo = new TestRepo();
    const g = (p: string) => path.join(repo.dir, '.git', p);
    const targets = [g('config'), g('hooks/pre-commit'), g('info/exclude'), g('HEAD'), path.join(repo.dir, '.runr', 'runr.config.json')];
    repo.setScript(oneMilestone({
      write: { 'src/a.js': 'a\n', 'README.md': '# changed in place\n' },
      try_write: { ...Object.fromEntries(targets.map((t) => [t, 'worker was here\n'])), '$RUNR_RUN_DIR/state.json': '{}' },
      exec: [['git', 'status', '--porcelain'], ['git', 'diff', '--stat'], ['git', 'hash-object', '-w', 'src/a.js']],
      exec_log: 'git.json',
      result: ok(),
    }));
    const before = snapshot(targets);

    const r = await repo.runr(['run', '--task', repo.taskPath, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const runId = JSON.parse(r.stdout.split('\n')[0]!).run_id as string;
    expect(tries(repo)).toEqual({ ...Object.fromEntries(targets.map((t) => [t, 'EROFS'])), '$RUNR_RUN_DIR/state.json': 'EROFS' });
    expect(snapshot(targets)).toEqual(before);
    const gitRuns = JSON.parse(agentFile(repo, 'git.json'));
    expect(gitRuns.map((x: { status: number }) => x.status)).toEqual([0, 0, 0]); // hash-object -w: objects are writable
    expect(gitRuns[0].stdout).toContain(' M README.md');
    expect(gitRuns[1].stdout).toContain('README.md');
    expect(repo.git('show', `runr/${runId}:src/a.js`)).toBe('a');
    expect(repo.git('symbolic-ref', '--short', 'HEAD')).toBe('main');
  });
});

describe.each(['worktree', 'in-place'] as const)('a confined reviewer (%s)', (mode) => {
  it('cannot write the working tree, so the verified tree is what is committed; git status and diff work for it', async () => {
    const repo = new TestRepo();
    repo.setScript({
      PLAN: [{ result: plan('the change') }],
      IMPLEMENT: [{ write: { 'src/a.js': 'verified\n' }, result: ok() }],
      REVIEW: [{
        try_write: { 'src/a.js': 'unverified\n', 'planted.txt': 'x\n' },
        exec: [['git', 'status', '--porcelain'], ['git', 'diff', 'HEAD', '--stat'], ['git', 'hash-object', '-w', 'src/a.js']],
        exec_log: 'git.json',
        result: approve(),
      }],
    } as never);
    const r = mode === 'worktree'
      ? await runToEnd(repo)
      : await (async () => {
        const x = await repo.runr(['run', '--task', repo.taskPath, '--json']);
        return { ...x, status: await statusOf(repo, JSON.parse(x.stdout.split('\n')[0]!).run_id as string) };
      })();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.status.stop_reason).toBe('complete');
    expect(tries(repo)).toEqual({ 'src/a.js': 'EROFS', 'planted.txt': 'EROFS' });
    const gitRuns = JSON.parse(agentFile(repo, 'git.json'));
    expect(gitRuns.map((x: { status: number }) => x.status)).toEqual([0, 0, 128]); // objects too are read-only for it
    expect(gitRuns[0].stdout).toContain('?? src/');
    const runId = r.status.run_id as string;
    expect(repo.git('show', `runr/${runId}:src/a.js`)).toBe('verified');
    expect(repo.git('show', '--name-only', '--format=', `runr/${runId}`)).toBe('src/a.js');
    if (mode === 'worktree') expect(fs.readFileSync(path.join(worktreeOf(repo, runId), 'src/a.js'), 'utf8')).toBe('verified\n');
  });
});

describe('sockets and temp dirs', () => {
  it('a confined worker cannot reach the user\'s runtime directory (session bus, agents), and its $TMPDIR is its own; unconfined, both are the user\'s', async () => {
    // Outside /tmp, which is private to a confined worker anyway.
    fs.mkdirSync(TEST_HOMES, { recursive: true });
    const runtime = fs.mkdtempSync(path.join(TEST_HOMES, 'runtime-'));
    const bus = path.join(runtime, 'bus');
    const tmpdir = path.join(runtime, 'tmp');
    fs.mkdirSync(tmpdir);
    const server = net.createServer((c) => c.end()).listen(bus);
    await once(server, 'listening');
    try {
      const repo = new TestRepo({ script: oneMilestone({ write: { 'src/a.js': 'a\n' }, try_connect: [bus], try_write: { '$TMPDIR/scratch': 'x' }, result: ok() }) });
      const env = { XDG_RUNTIME_DIR: runtime, TMPDIR: tmpdir };
      const confined = await runToEnd(repo, [], env);
      expect(confined.exitCode, confined.stderr).toBe(0);
      expect(tries(repo)).toMatchObject({ [bus]: 'ENOENT', '$TMPDIR/scratch': 'ok' }); // an empty runtime directory, a private temp dir
      expect(fs.readdirSync(tmpdir)).toEqual([]);
      const unconfined = await runToEnd(repo, ['--sandbox', 'off'], env);
      expect(unconfined.exitCode, unconfined.stderr).toBe(0);
      expect(tries(repo)).toMatchObject({ [bus]: 'ok', '$TMPDIR/scratch': 'ok' });
      expect(fs.readdirSync(tmpdir)).toContain('scratch');
    } finally {
      server.close();
      fs.rmSync(runtime, { recursive: true, force: true });
    }
  });
});

describe('sandbox "off"', () => {
  it('lets the worker write outside the worktree, and status and report say the sandbox was off', async () => {
    const repo = new TestRepo();
    repo.writeConfig({ sandbox: 'off' });
    const outside = path.join(path.dirname(repo.dir), 'outside.txt');
    repo.setScript(oneMilestone({ write: { 'src/a.js': 'a\n' }, try_write: { [outside]: 'unconfined\n' }, result: ok() }));

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(fs.readFileSync(outside, 'utf8')).toBe('unconfined\n');
    expect(run.status.sandbox).toMatchObject({ mode: 'off', active: false, workers: { implementer: false } });
    expect(run.status.sandbox?.reason).toContain('"sandbox": "off" in the config');
    expect(run.report.sandbox).toMatchObject({ mode: 'off', active: false });
    const human = await repo.runr(['status', run.runId, '--human']);
    expect(human.stdout).toContain('sandbox: off — "sandbox": "off" in the config');
  });

  it('--sandbox off overrides the config for that run; a worker may be unconfined on its own', async () => {
    const repo = new TestRepo();
    const outside = path.join(path.dirname(repo.dir), 'outside.txt');
    repo.setScript(oneMilestone({ write: { 'src/a.js': 'a\n' }, try_write: { [outside]: 'x' }, result: ok() }));
    const flagged = await runToEnd(repo, ['--sandbox', 'off']);
    expect(flagged.exitCode, flagged.stderr).toBe(0);
    expect(flagged.status.sandbox).toMatchObject({ mode: 'off', reason: expect.stringContaining('--sandbox off') });
    expect(tries(repo)[outside]).toBe('ok');

    fs.rmSync(outside);
    const worker = JSON.parse(repo.read('.runr/runr.config.json')).workers.implementer;
    repo.writeConfig({ workers: { planner: worker, implementer: { ...worker, sandbox: 'off' }, reviewer: worker } });
    const own = await runToEnd(repo);
    expect(own.exitCode, own.stderr).toBe(0);
    expect(tries(repo)[outside]).toBe('ok');
    expect(own.status.sandbox).toMatchObject({ mode: 'auto', active: true, workers: { planner: true, implementer: false, reviewer: true } });
    const human = await repo.runr(['report', own.runId]);
    expect(human.stdout).toContain('unconfined: implementer');
  });
});

describe('where bubblewrap is missing', () => {
  it('auto runs unconfined and says so: run warning, status, report and doctor', async () => {
    const repo = new TestRepo();
    const outside = path.join(path.dirname(repo.dir), 'outside.txt');
    repo.setScript(oneMilestone({ write: { 'src/a.js': 'a\n' }, try_write: { [outside]: 'unconfined\n' }, result: ok() }));

    const run = await runToEnd(repo, [], NO_BWRAP);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('Warning: workers and verification run unconfined: /nonexistent/bwrap was not found');
    expect(fs.readFileSync(outside, 'utf8')).toBe('unconfined\n');
    expect(run.status.sandbox).toMatchObject({ mode: 'auto', active: false, bwrap: null, reason: 'running unconfined: /nonexistent/bwrap was not found' });
    expect(run.report.sandbox).toEqual(run.status.sandbox);
    expect((await repo.runr(['report', run.runId])).stdout).toContain('sandbox: not active — running unconfined: /nonexistent/bwrap was not found');

    const doctor = await repo.runr(['doctor', '--json'], { env: NO_BWRAP });
    expect(doctor.exitCode, doctor.stderr).toBe(0);
    expect(doctor.json(DoctorOutputSchema).checks.find((c) => c.name === 'sandbox')).toMatchObject({
      status: 'warn', detail: expect.stringContaining('would run unconfined'), fix: expect.stringContaining('apt-get install bubblewrap'),
    });
    const healthy = await repo.runr(['doctor', '--json']);
    expect(healthy.json(DoctorOutputSchema).checks.find((c) => c.name === 'sandbox')).toMatchObject({ status: 'ok', detail: expect.stringContaining('workers and verification run confined') });
  });

  it('required refuses to start (exit 2, one line with the fix); nothing is created', async () => {
    const repo = new TestRepo();
    repo.writeConfig({ sandbox: 'required' });
    const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree'], { env: NO_BWRAP });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: The sandbox is required \("sandbox": "required"\) but \/nonexistent\/bwrap was not found\. Install bubblewrap \(Debian\/Ubuntu: apt-get install bubblewrap/);
    expect(fs.existsSync(path.join(repo.dir, '.runr', 'runs'))).toBe(false);

    const json = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json'], { env: NO_BWRAP });
    expect(json.exitCode).toBe(2);
    expect(json.json(ErrorOutputSchema).error.code).toBe('sandbox_unavailable');

    const doctor = await repo.runr(['doctor', '--json'], { env: NO_BWRAP });
    expect(doctor.exitCode).toBe(1);
    expect(doctor.json(DoctorOutputSchema).checks.find((c) => c.name === 'sandbox')?.status).toBe('fail');
  });

  it('--sandbox required: a resume where bubblewrap is gone refuses (exit 2) and leaves the run resumable', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: plan('the change') }],
        IMPLEMENT: [{ result: { status: 'blocked', blocked_reason: 'need a decision' } }, { write: { 'src/a.js': 'a\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const first = await runToEnd(repo, ['--sandbox', 'required']);
    expect(first.status.stop_reason).toBe('implement_blocked');
    expect(first.status.sandbox).toMatchObject({ mode: 'required', active: true });

    const refused = await repo.runr(['resume', first.runId], { env: NO_BWRAP });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('The sandbox is required (--sandbox required) but /nonexistent/bwrap was not found');
    expect((await statusOf(repo, first.runId)).stop_reason).toBe('implement_blocked');

    const resumed = await repo.runr(['resume', first.runId]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect((await reportOf(repo, first.runId)).sandbox).toMatchObject({ mode: 'required', active: true });
  });
});
