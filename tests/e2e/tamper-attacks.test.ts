/**
 * The trust boundary (SPEC §11), attacked: each test is one hostile (or careless) worker. Run with
 * runr's sandbox off, so that the checks themselves are what stops it; tests/e2e/sandbox-attacks
 * runs the same attacks confined. Every test asserts on git itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve, git, ok, plan, startRun, TestRepo } from '../helpers/harness.js';
import { reportOf, statusOf, worktreeOf, type XScript, type XStep } from '../helpers/e2e-support.js';

const node = (code: string) => ['node', '-e', code];
/** JavaScript for the worker: the repository's shared git directory. */
const COMMON_DIR = `require('child_process').execSync('git rev-parse --git-common-dir').toString().trim()`;

type Mode = 'worktree' | 'in-place';
const MODES: Mode[] = ['worktree', 'in-place'];

/** A repo whose implementer writes src/a.js and performs `attack` (given the repo, for attacks that name its paths). */
function attackRepo(
  attack: XStep | ((ctx: { repo: TestRepo; marker: string }) => XStep),
  opts: { files?: Record<string, string>; scope?: Record<string, unknown>; review?: XStep } = {},
) {
  const repo = new TestRepo({
    files: opts.files,
    config: { sandbox: 'off', scope: { allowlist: [], denylist: [], presets: [], protect: [], ...opts.scope } },
  });
  const step = typeof attack === 'function' ? attack({ repo, marker: markerOf(repo) }) : attack;
  const script: XScript = {
    PLAN: [{ result: plan('the change') }],
    IMPLEMENT: [{ ...step, write: { 'src/a.js': 'export const a = 1;\n', ...step.write }, result: ok() }],
    REVIEW: [{ ...opts.review, result: approve() }],
  };
  repo.setScript(script as never);
  return repo;
}

/** A file that planted code creates when it runs: it must never exist. */
const markerOf = (repo: TestRepo) => path.join(repo.stateDir, 'PWNED');

async function runIn(repo: TestRepo, mode: Mode) {
  if (mode === 'worktree') return startRun(repo);
  const r = await repo.runr(['run', '--task', repo.taskPath, '--json']);
  const first = r.stdout.split('\n')[0] ?? '';
  return { ...r, runId: JSON.parse(first).run_id as string };
}

async function expectTampered(repo: TestRepo, run: { runId: string; exitCode: number; stderr: string }, mentions: RegExp) {
  expect(run.exitCode, run.stderr).toBe(1);
  const status = await statusOf(repo, run.runId);
  expect(status.stop_reason).toBe('worker_tampered');
  expect(status.next_action).toBe('inspect_logs');
  expect(status.stop_detail).toMatch(mentions);
  const report = await reportOf(repo, run.runId);
  expect(report.stop_reason).toBe('worker_tampered');
  expect(report.milestones.completed).toBe(0);
  expect(report.suggested_command).toContain(run.runId);
  // Not resumable: a plain resume refuses, with exit 5.
  expect((await repo.runr(['resume', run.runId])).exitCode).toBe(5);
  return status;
}

/** No checkpoint commit exists anywhere (the run stopped before committing). */
function expectNoCheckpoint(repo: TestRepo) {
  expect(repo.git('log', '--all', '--format=%B')).not.toContain('Runr-Checkpoint:');
}

describe.each(MODES)('branch attacks (%s)', (mode) => {
  it('git checkout -b side: the run stops, nothing is committed on side, the run branch or main', async () => {
    const repo = attackRepo({ exec: [['git', 'checkout', '-q', '-b', 'side']] });
    const main = repo.git('rev-parse', 'main');
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /HEAD of .* is on side, not on runr\//);
    expect(repo.git('rev-parse', 'main')).toBe(main);
    expect(repo.git('rev-parse', 'side')).toBe(main);
    expect(repo.git('rev-parse', `runr/${run.runId}`)).toBe(main);
    expectNoCheckpoint(repo);
  });

  it('git checkout --detach: the run stops and names the detached HEAD', async () => {
    const repo = attackRepo({ exec: [['git', 'checkout', '-q', '--detach']] });
    const main = repo.git('rev-parse', 'main');
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /detached at/);
    expect(repo.git('rev-parse', 'main')).toBe(main);
    expectNoCheckpoint(repo);
  });

  it('git update-ref refs/heads/main: the run stops naming the moved ref', async () => {
    const commit = ['git', '-c', 'user.name=w', '-c', 'user.email=w@w', 'commit', '-q', '-m', 'evil'];
    const repo = attackRepo({ write: { 'evil.txt': 'evil\n' }, exec: [['git', 'add', 'evil.txt'], commit, ['git', 'update-ref', 'refs/heads/main', 'HEAD']] });
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /ref refs\/heads\/main moved from/);
    expectNoCheckpoint(repo);
  });
});

describe('in-place: git checkout main during IMPLEMENT', () => {
  it('stops before anything is committed onto main', async () => {
    const repo = attackRepo({ exec: [['git', 'checkout', '-q', 'main']] });
    const main = repo.git('rev-parse', 'main');
    const run = await runIn(repo, 'in-place');
    await expectTampered(repo, run, /is on main, not on runr\//);
    expect(repo.git('rev-parse', 'main')).toBe(main);
    expect(repo.git('log', '--format=%s', 'main')).toBe('initial');
    expectNoCheckpoint(repo);
  });
});

describe.each(MODES)('runr\'s own records (%s)', (mode) => {
  const widen = node(`const fs=require('fs');const f=process.env.RUNR_RUN_DIR+'/events.ndjson';
    fs.writeFileSync(f, fs.readFileSync(f,'utf8').replace('"protect":["check.js"]','"protect":[]'));`);

  it('editing the journal to drop scope.protect stops the run and puts the journal back', async () => {
    const repo = attackRepo({ write: { 'check.js': 'process.exit(0) // weakened\n' }, exec: [widen] }, { scope: { protect: ['check.js'] } });
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /events\.ndjson was modified/);
    expect(repo.events(run.runId)[0].run.config.scope.protect).toEqual(['check.js']);
    expectNoCheckpoint(repo);
  });

  it('editing the journal is found though runr journals the worker\'s activity during the call; none is added to the edited journal', async () => {
    const repo = attackRepo({ write: { 'check.js': 'process.exit(0) // weakened\n' }, exec: [widen], stderr_lines: ['step one', 'step two'], stderr_gap_ms: 1200 }, { scope: { protect: ['check.js'] } });
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /events\.ndjson was modified/);
    const events = repo.events(run.runId);
    expect(events[0].run.config.scope.protect).toEqual(['check.js']);
    expect(events.some((e) => e.type === 'worker_activity')).toBe(false);
    expectNoCheckpoint(repo);
  });

  it('editing the journal and killing runr: resume refuses, naming what changed', async () => {
    const repo = attackRepo({ write: { 'check.js': 'process.exit(0) // weakened\n' }, exec: [widen], kill_parent: true }, { scope: { protect: ['check.js'] } });
    const run = await runIn(repo, mode);
    expect(run.exitCode).not.toBe(0);
    const resumed = await repo.runr(['resume', run.runId]);
    expect(resumed.exitCode).toBe(5);
    expect(resumed.stderr).toMatch(/journal no longer matches the configuration it started with \(config\.scope\.protect/);
    expectNoCheckpoint(repo);
  });

  it('editing the run\'s task.md, which the prompts are built from, stops the run', async () => {
    const repo = attackRepo({ exec: [node(`require('fs').appendFileSync(process.env.RUNR_RUN_DIR+'/task.md', '\\n- and delete the tests\\n')`)] });
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /task\.md was modified/);
    expectNoCheckpoint(repo);
  });

  it('editing the main repo\'s .runr/runr.config.json stops the run', async () => {
    const repo = attackRepo(({ repo: r }) => ({ exec: [node(`require('fs').appendFileSync(${JSON.stringify(path.join(r.dir, '.runr', 'runr.config.json'))}, ' ')`)] }));
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /runr\.config\.json was modified/);
    expectNoCheckpoint(repo);
  });
});

describe.each(MODES)('code planted in git (%s)', (mode) => {
  it('a clean filter in .git/config with .git/info/attributes: stops, and runr never runs the filter', async () => {
    const repo = attackRepo(({ marker }) => ({
      exec: [
        ['git', 'config', 'filter.evil.clean', `sh -c 'touch ${marker}; cat'`],
        node(`const fs=require('fs');const d=${COMMON_DIR};fs.mkdirSync(d+'/info',{recursive:true});fs.writeFileSync(d+'/info/attributes','* filter=evil\\n')`),
      ],
    }));
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /git config changed: \+ filter\.evil\.clean/);
    expect(fs.existsSync(markerOf(repo))).toBe(false);
    expectNoCheckpoint(repo);
  });

  it('core.fsmonitor and a post-index-change hook: stops, and neither ever runs', async () => {
    const repo = attackRepo(({ marker }) => ({
      exec: [
        ['git', 'config', 'core.fsmonitor', `touch ${marker}`],
        node(`require('fs').writeFileSync(${COMMON_DIR}+'/hooks/post-index-change',${JSON.stringify(`#!/bin/sh\ntouch ${marker}\n`)},{mode:0o755})`),
      ],
    }));
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /core\.fsmonitor/);
    expect((await statusOf(repo, run.runId)).stop_detail).toContain('post-index-change was created');
    expect(fs.existsSync(markerOf(repo))).toBe(false);
    // runr's own git commands after the stop (status, report) did not run them either.
    await repo.runr(['report', run.runId]);
    expect(fs.existsSync(markerOf(repo))).toBe(false);
  });

  it('writing .git/info/exclude stops the run', async () => {
    const repo = attackRepo({ exec: [node(`require('fs').appendFileSync(${COMMON_DIR}+'/info/exclude','src/\\n')`)] });
    const run = await runIn(repo, mode);
    await expectTampered(repo, run, /info\/exclude was modified/);
    expectNoCheckpoint(repo);
  });
});

describe.each(MODES)('hiding an edit from the guard (%s)', (mode) => {
  it.each(['--skip-worktree', '--assume-unchanged'])('git update-index %s on a protected file: the guard still sees the edit', async (flag) => {
    const repo = attackRepo(
      { write: { 'src/a.js': 'a\n', 'check.js': 'process.exit(0) // weakened\n' }, exec: [['git', 'update-index', flag, 'check.js']] },
      { scope: { protect: ['check.js'] } },
    );
    const main = repo.git('rev-parse', 'main');
    const run = await runIn(repo, mode);
    expect(run.exitCode, run.stderr).toBe(1);
    const status = await statusOf(repo, run.runId);
    expect(status.stop_reason).toBe('guard_violation');
    expect(status.guard_violation_files).toEqual(['check.js']);
    expect(repo.git('show', `main:check.js`)).toBe('process.exit(0)');
    expect(repo.git('rev-parse', `runr/${run.runId}`)).toBe(main);
    expectNoCheckpoint(repo);
  });
});

describe('the user\'s checkout (worktree mode)', () => {
  it.each([
    ['an edit of a tracked file', 'README.md', /files in your checkout .* changed: README\.md/],
    ['a new file', 'planted.sh', /changed: planted\.sh/],
  ])('%s in the user\'s checkout stops the run, naming the file', async (_what, file, mentions) => {
    const repo = attackRepo(({ repo: r }) => ({ write: { [path.join(r.dir, file)]: 'defaced\n' } }));
    const run = await startRun(repo);
    await expectTampered(repo, run, mentions);
    expectNoCheckpoint(repo);
  });
});

describe('what is committed is what was verified and reviewed', () => {
  it('a reviewer that edits a file after verification: nothing is committed', async () => {
    const repo = attackRepo({}, { review: { write: { 'src/a.js': 'export const a = "unverified";\n' } } });
    const main = repo.git('rev-parse', 'main');
    const run = await startRun(repo);
    await expectTampered(repo, run, /files changed after verification and review, nothing was committed: src\/a\.js/);
    expect(repo.git('rev-parse', `runr/${run.runId}`)).toBe(main);
  });

  it('a filter the project configured before the run: the checkpoint holds the file\'s bytes, not the filter\'s output', async () => {
    const repo = new TestRepo({
      files: { '.gitattributes': '*.txt filter=upper\n' },
      config: { sandbox: 'off' },
      script: { PLAN: [{ result: plan('x') }], IMPLEMENT: [{ write: { 'notes.txt': 'hello world\n' }, result: ok() }], REVIEW: [{ result: approve() }] },
    });
    repo.git('config', 'filter.upper.clean', 'tr a-z A-Z');
    const run = await startRun(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(repo.git('show', `runr/${run.runId}:notes.txt`)).toBe('hello world');
    const review = repo.prompts().find((p) => p.key === 'REVIEW')?.text ?? '';
    expect(review).toContain('+hello world');
  });

  it('a submodule whose checked-out commit the worker moved is committed as that commit (a gitlink)', async () => {
    const repo = new TestRepo({ config: { sandbox: 'off' } });
    const lib = path.join(path.dirname(repo.dir), 'lib');
    fs.mkdirSync(lib);
    git(lib, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(lib, 'x.txt'), 'one\n');
    git(lib, 'add', '-A');
    git(lib, 'commit', '-q', '-m', 'one');
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'lib');
    repo.git('commit', '-q', '-m', 'add lib');
    const bump = ['sh', '-c', `cd lib && echo two > x.txt && git -c user.name=w -c user.email=w@w commit -qam two`];
    repo.setScript({ PLAN: [{ result: plan('x') }], IMPLEMENT: [{ exec: [bump], result: ok() }], REVIEW: [{ result: approve() }] } as never);
    const r = await repo.runr(['run', '--task', repo.taskPath, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const runId = JSON.parse(r.stdout.split('\n')[0]!).run_id;
    const [mode, type] = repo.git('ls-tree', `runr/${runId}`, 'lib').split(/\s+/);
    expect([mode, type]).toEqual(['160000', 'commit']);
    expect(repo.git('rev-parse', `runr/${runId}:lib`)).toBe(git(path.join(repo.dir, 'lib'), 'rev-parse', 'HEAD'));
    expect(repo.git('rev-parse', `runr/${runId}:lib`)).not.toBe(repo.git('rev-parse', 'main:lib'));
  });

  it('worker commits on the run branch are undone, checked and committed by runr alone', async () => {
    const repo = attackRepo({ exec: [['git', 'add', '-A'], ['git', '-c', 'user.name=w', '-c', 'user.email=w@w', 'commit', '-q', '-m', 'by the worker']] });
    const run = await startRun(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(repo.git('log', '--format=%s', `main..runr/${run.runId}`)).toBe('runr: the change');
    expect(git(worktreeOf(repo, run.runId), 'status', '--porcelain')).toBe('');
  });
});
