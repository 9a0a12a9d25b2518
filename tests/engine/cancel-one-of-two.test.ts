// Two runs executing concurrently in one process: cancelling one ends its worker and nothing of the other's.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/engine/start-run.js';
import { supervise } from '../../src/engine/supervisor.js';
import { pidAlive } from '../../src/store/lease.js';
import { until } from '../helpers/crash.js';
import type { XScript } from '../helpers/e2e-support.js';
import { AGENT, approve, ok, plan, TestRepo } from '../helpers/harness.js';

/**
 * A repository whose workers are the scripted agent behind a wrapper that notes a SIGTERM (in
 * AGENT_STATE_DIR/got-SIGTERM) before leaving. The agent's environment comes from the config, since
 * both runs share this process's environment.
 */
function repoWith(script: XScript): TestRepo {
  const repo = new TestRepo({ script });
  const wrapper = path.join(repo.stateDir, 'wrapper.mjs');
  fs.writeFileSync(wrapper, [
    "import fs from 'node:fs';",
    "process.on('SIGTERM', () => { fs.writeFileSync(process.env.AGENT_STATE_DIR + '/got-SIGTERM', ''); process.exit(143); });",
    `await import(${JSON.stringify(pathToFileURL(AGENT).href)});`,
  ].join('\n'));
  const worker = { type: 'command', command: ['node', wrapper], env: repo.env() };
  repo.writeConfig({ workers: { planner: worker, implementer: worker, reviewer: worker } });
  return repo;
}

async function start(repo: TestRepo) {
  return startRun({
    repoRoot: repo.dir,
    taskFile: repo.taskPath,
    configPath: path.join(repo.dir, '.runr', 'runr.config.json'),
    worktree: true, fast: false, allowDeps: false, allowDirty: false,
    // Unconfined: in bubblewrap's pid namespace the pid the agent writes down is not the host's.
    sandbox: 'off',
  });
}

const repos: TestRepo[] = [];
afterAll(() => {
  for (const repo of repos) fs.rmSync(path.dirname(repo.dir), { recursive: true, force: true });
});

describe('two runs in one process, one cancelled', () => {
  it('the cancelled run stops interrupted with its worker gone; the other completes, its worker never signalled', async () => {
    const a = repoWith({ PLAN: [{ pid_file: 'plan.pid', wait_for: '/nonexistent/never-created' }] });
    const release = path.join(a.stateDir, 'release-b');
    const b = repoWith({ PLAN: [{ pid_file: 'plan.pid', wait_for: release, result: plan('m one') }], IMPLEMENT: [{ result: ok() }], REVIEW: [{ result: approve() }] });
    repos.push(a, b);

    const runA = await start(a);
    const runB = await start(b);
    const cancelA = new AbortController();
    const doneA = supervise(runA.store, { leaseToken: runA.leaseToken, signal: cancelA.signal });
    const doneB = supervise(runB.store, { leaseToken: runB.leaseToken, signal: new AbortController().signal });

    const pidOf = (repo: TestRepo) => {
      const file = path.join(repo.stateDir, 'plan.pid');
      return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
    };
    const workerA = await until(() => pidOf(a), "run A's planner to start");
    const workerB = await until(() => pidOf(b), "run B's planner to start");

    cancelA.abort('SIGINT');
    const finalA = await doneA;
    expect(finalA).toMatchObject({ phase: 'STOPPED', stop_reason: 'interrupted', stop_detail: 'interrupted by SIGINT', finalized: true });
    expect(pidAlive(workerA)).toBe(false);
    // B's planner is still running, untouched, while A is over.
    expect(pidAlive(workerB)).toBe(true);

    fs.writeFileSync(release, '');
    const finalB = await doneB;
    expect(finalB).toMatchObject({ phase: 'STOPPED', stop_reason: 'complete' });
    expect(fs.existsSync(path.join(b.stateDir, 'got-SIGTERM'))).toBe(false);
    expect(b.git('log', '--format=%s', finalB.branch).split('\n')[0]).toMatch(/^runr: /);
  });

  it('a run whose signal is already aborted starts no worker and stops interrupted', async () => {
    const repo = repoWith({ PLAN: [{ pid_file: 'plan.pid', result: plan('m one') }] });
    repos.push(repo);
    const run = await start(repo);
    const final = await supervise(run.store, { leaseToken: run.leaseToken, signal: AbortSignal.abort('SIGTERM') });
    expect(final).toMatchObject({ stop_reason: 'interrupted', stop_detail: 'interrupted by SIGTERM', finalized: true });
    expect(fs.existsSync(path.join(repo.stateDir, 'plan.pid'))).toBe(false);
  });
});
