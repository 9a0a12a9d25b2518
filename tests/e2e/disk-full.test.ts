import fs from 'node:fs';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusOutputSchema } from '../../src/contracts/outputs.js';
import { AGENT, approve, ok, plan, RUNR_BIN, TestRepo } from '../helpers/harness.js';
import { agentProcesses, statusOf } from '../helpers/e2e-support.js';

// A disk that fills up while a run executes, on a real, small file system: bubblewrap mounts a 1 MB
// tmpfs over part of the run's directory for the runr process it starts (runr's own sandbox is off,
// so no bubblewrap runs inside it). The stop is one clear line, the journal stays whole, and the run
// resumes once there is space again.

const MB = 1024 * 1024;

/** bwrap can mount a small tmpfs here (root, or user namespaces). */
function tmpfsAvailable(): boolean {
  try {
    return execaSync('bwrap', ['--dev-bind', '/', '/', '--size', String(MB), '--tmpfs', '/mnt', 'true'], { reject: false }).exitCode === 0;
  } catch {
    return false;
  }
}

/** Runs a shell script with a 1 MB tmpfs over `dir`; the script's runr calls save their outputs in `out`. */
async function onSmallDisk(repo: TestRepo, dir: string, script: string) {
  fs.mkdirSync(dir, { recursive: true });
  const runr = `"${process.execPath}" "${RUNR_BIN}"`;
  return execa('bwrap', ['--dev-bind', '/', '/', '--size', String(MB), '--tmpfs', dir, 'sh', '-c', script.replaceAll('RUNR', runr)], {
    cwd: repo.dir, env: repo.env(), extendEnv: true, reject: false, timeout: 90_000,
  });
}

/** The implementer runs `prefix` (once) before the scripted agent. */
function repoWith(prefix: string): TestRepo {
  const agent = { type: 'command', command: ['node', AGENT] };
  const repo = new TestRepo({ script: { PLAN: [{ result: plan('m one') }], IMPLEMENT: [{ result: ok() }], REVIEW: [{ result: approve() }] } });
  const once = `if [ ! -e "$AGENT_STATE_DIR/once" ]; then touch "$AGENT_STATE_DIR/once"; ${prefix}; fi; exec node "${AGENT}"`;
  repo.writeConfig({ sandbox: 'off', workers: { planner: agent, implementer: { type: 'command', command: ['sh', '-c', once] }, reviewer: agent } });
  return repo;
}

/** Prints `bytes` of output, as a chatty worker does. */
const print = (bytes: number) => `head -c ${bytes} /dev/zero | tr '\\0' x; echo`;

function expectWholeJournal(file: string): unknown[] {
  const text = fs.readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trim().split('\n').map((line) => JSON.parse(line));
}

function expectOneLine(stderr: string, runId: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^Error: no space left on device writing /\\S+: free some space, then run: runr resume ${runId}$`));
  expect(stderr).not.toMatch(/^\s+at /m);
}

const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) for (const pid of agentProcesses(repo)) process.kill(pid, 'SIGKILL');
});

describe.skipIf(!tmpfsAvailable())('a disk that fills up during a run', () => {
  it.each<[string, () => TestRepo]>([
    ['a worker transcript', () => repoWith(print(3 * MB))],
    ['a verification log', () => {
      const repo = repoWith('true');
      const once = `if [ ! -e "$AGENT_STATE_DIR/verified-once" ]; then touch "$AGENT_STATE_DIR/verified-once"; ${print(3 * MB)}; fi; node check.js`;
      const config = JSON.parse(repo.read('.runr/runr.config.json'));
      repo.writeConfig({ ...config, verification: { tier0: [], tier1: [], tier2: [once] } });
      return repo;
    }],
  ])('%s fills the logs disk: a disk_full stop in one line, its processes ended; resume completes once there is space', async (_what, make) => {
    const repo = make();
    repos.push(repo);
    // The plan first, on the ordinary disk, so that the run's directory exists.
    const first = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--max-ticks', '1', '--json']);
    const runId: string = JSON.parse(first.stdout.split('\n')[0]!).run_id;
    expect(first.exitCode, first.stderr).toBe(1);
    const runDir = repo.runDir(runId);
    const out = path.join(repo.stateDir, 'out');

    // The implementer prints 3 MB onto a 1 MB disk holding the logs; the journal is on the ordinary disk.
    const full = await onSmallDisk(repo, path.join(runDir, 'logs'),
      `RUNR resume ${runId} --max-ticks 100 >"${out}.stdout" 2>"${out}.stderr"; echo $? >"${out}.code"; RUNR status ${runId} >"${out}.status"`);
    expect(full.exitCode, full.stderr).toBe(0);
    const stderr = fs.readFileSync(`${out}.stderr`, 'utf8');
    expect(fs.readFileSync(`${out}.code`, 'utf8').trim(), stderr).toBe('1');
    expectOneLine(stderr, runId);
    expect(agentProcesses(repo)).toEqual([]);

    // Status on the full disk, and after: a recorded, resumable stop.
    for (const status of [StatusOutputSchema.parse(JSON.parse(fs.readFileSync(`${out}.status`, 'utf8'))), await statusOf(repo, runId)]) {
      expect(status).toMatchObject({ phase: 'STOPPED', stop_reason: 'disk_full', next_action: 'resume', suggested_command: `runr resume ${runId}` });
      expect(status.stop_detail).toMatch(/^no space left on device writing /);
    }
    const events = expectWholeJournal(path.join(runDir, 'events.ndjson')) as { type: string; reason?: string }[];
    expect(events.filter((e) => e.type === 'run_stopped')).toMatchObject([{ reason: 'disk_full' }]);
    const wait = await repo.runr(['wait', runId, '--json']);
    expect(wait.json()).toMatchObject({ stop_reason: 'disk_full' });

    // The small disk is gone: space again. Nothing is lost, the implementer's call is made again.
    const resumed = await repo.runr(['resume', runId]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const done = await statusOf(repo, runId);
    expect(done.stop_reason).toBe('complete');
    expect(done.milestones.map((m) => m.status)).toEqual(['complete']);
    expectWholeJournal(path.join(runDir, 'events.ndjson'));
  }, 120_000);

  it('the whole run directory on a disk that fills up: one line, a whole journal, a resumable run; resume completes once space is freed', async () => {
    // The implementer fills the disk (as a build writing into it would), then prints.
    const repo = repoWith(`head -c ${2 * MB} /dev/zero >"$RUNR_RUN_DIR/../filler" 2>/dev/null; ${print(256 * 1024)}`);
    repos.push(repo);
    const runs = path.join(repo.dir, '.runr', 'runs');
    const out = path.join(repo.stateDir, 'out');
    const full = await onSmallDisk(repo, runs, [
      `RUNR run --task "${repo.taskPath}" --worktree >"${out}.stdout" 2>"${out}.stderr"; echo $? >"${out}.code"`,
      `RUNR status latest >"${out}.status" 2>&1`,
      `cp "${runs}"/*/events.ndjson "${out}.journal"`,
      `rm "${runs}/filler"`,
      `RUNR resume latest >"${out}.resume" 2>&1; echo $? >"${out}.resume-code"`,
      `RUNR status latest >"${out}.final"`,
    ].join('; '));
    expect(full.exitCode, full.stderr).toBe(0);
    const stderr = fs.readFileSync(`${out}.stderr`, 'utf8');
    const status = StatusOutputSchema.parse(JSON.parse(fs.readFileSync(`${out}.status`, 'utf8')));
    expect(fs.readFileSync(`${out}.code`, 'utf8').trim(), stderr).toBe('1');
    expectOneLine(stderr, status.run_id);

    // Whether the journal still took the stop depends on the slack left in its last page; either way
    // status tells the truth and says to resume.
    expect(status).toMatchObject({ next_action: 'resume', suggested_command: `runr resume ${status.run_id}` });
    if (status.stop_reason !== 'disk_full') expect(status).toMatchObject({ stop_reason: null, stale: true });
    expectWholeJournal(`${out}.journal`);

    expect(fs.readFileSync(`${out}.resume-code`, 'utf8').trim(), fs.readFileSync(`${out}.resume`, 'utf8')).toBe('0');
    const final = StatusOutputSchema.parse(JSON.parse(fs.readFileSync(`${out}.final`, 'utf8')));
    expect(final.stop_reason).toBe('complete');
    expect(final.milestones.map((m) => m.status)).toEqual(['complete']);
  }, 120_000);
});
