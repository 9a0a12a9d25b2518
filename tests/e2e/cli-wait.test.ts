import fs from 'node:fs';
import path from 'node:path';
/** `runr wait` (and `run --detach`) through the built CLI: output shape, exit codes, timeouts. */
import { describe, expect, it } from 'vitest';
import { ReportOutputSchema, StartOutputSchema, StatusOutputSchema, WaitOutputSchema } from '../../src/contracts/outputs.js';
import { ok, startRun, TestRepo } from '../helpers/harness.js';

describe('wait --for terminal', () => {
  it('on a terminal run returns at once with the guide\'s object; exit 0 for complete, 1 for stopped', async () => {
    const repo = new TestRepo({ script: { IMPLEMENT: [{ result: ok() }] } });
    const done = await startRun(repo, ['--fast']);
    expect(done.exitCode).toBe(0);

    const w = await repo.runr(['wait', done.runId, '--for', 'terminal', '--timeout', '30', '--json']);
    expect(w.exitCode).toBe(0);
    expect(w.stdout.trim().split('\n')).toHaveLength(1);
    const raw = JSON.parse(w.stdout);
    expect(Object.keys(raw).sort()).toEqual(['milestones_completed', 'phase', 'run_id', 'stop_reason']);
    expect(WaitOutputSchema.parse(raw)).toEqual({ run_id: done.runId, phase: 'STOPPED', stop_reason: 'complete', milestones_completed: 1 });

    // Without --json: one human line, same exit code.
    const human = await repo.runr(['wait', done.runId, '--for', 'terminal']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(done.runId);
    expect(human.stdout).toMatch(new RegExp(`^✓ Run ${done.runId} is complete`));

    // A stopped run: wait exits 1 and says why.
    repo.write('check.js', 'process.exit(1)\n');
    repo.git('commit', '-qam', 'failing check');
    repo.writeConfig({ limits: { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 } });
    const failed = await startRun(repo, ['--fast']);
    expect(failed.exitCode).toBe(1);
    const w2 = await repo.runr(['wait', failed.runId, '--for', 'terminal', '--json']);
    expect(w2.exitCode).toBe(1);
    expect(w2.json(WaitOutputSchema)).toEqual({
      run_id: failed.runId, phase: 'STOPPED', stop_reason: 'verification_failed_max_retries', milestones_completed: 0,
    });
  });

  it('with run --detach: the run executes in the background; --timeout 1 exits 124 with timed_out, wait returns when it completes', async () => {
    const repo = new TestRepo();
    // In the agent's state dir: a confined worker sees its own, empty /tmp.
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({ IMPLEMENT: [{ wait_for: release, write: { 'src/a.js': 'a\n' }, result: ok() }] });
    // The worker blocks until `release` exists, so `run --detach` can only have returned "at once".
    const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--fast', '--detach', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const { run_id: runId } = StartOutputSchema.parse(JSON.parse(lines[0]!));

    // While it runs: not terminal, held by a live lease.
    const s = (await repo.runr(['status', runId])).json(StatusOutputSchema);
    expect(s.phase).not.toBe('STOPPED');
    expect(s.stop_reason).toBeNull();
    expect(s.lease?.alive).toBe(true);
    expect(s.stale).toBeUndefined();
    const running = (await repo.runr(['report', runId, '--json'])).json(ReportOutputSchema);
    expect(running.outcome).toBe('running');
    expect(running.ended_at).toBeNull();

    const timedOut = await repo.runr(['wait', runId, '--for', 'terminal', '--timeout', '1', '--json']);
    expect(timedOut.exitCode).toBe(124);
    const t = timedOut.json(WaitOutputSchema);
    expect(t.timed_out).toBe(true);
    expect(t.run_id).toBe(runId);
    expect(t.stop_reason).toBeNull();
    expect(t.phase).not.toBe('STOPPED');

    const waiting = repo.runr(['wait', runId, '--for', 'terminal', '--json']);
    fs.writeFileSync(release, '');
    const w = await waiting;
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.json(WaitOutputSchema)).toEqual({ run_id: runId, phase: 'STOPPED', stop_reason: 'complete', milestones_completed: 1 });
    const rep = (await repo.runr(['report', runId, '--json'])).json(ReportOutputSchema);
    expect(rep.outcome).toBe('complete');
    expect(repo.git('show', `runr/${runId}:src/a.js`)).toBe('a');
  });
});
