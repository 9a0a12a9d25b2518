// Another executor reuses the supervisor unchanged: a run whose workers are an in-process port
// (as a queue-backed worker would be), with runr's real git, guard and verification around it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as runr from '../../src/index.js';
import { git, TestRepo } from '../helpers/harness.js';

/** Workers answered in this process: the planner plans one milestone, the implementer writes a file, the reviewer approves. */
function inProcessWorkers(calls: string[], write: Record<string, string>, planned = Object.keys(write)): runr.WorkerPort {
  return {
    call: async (effect, ctx) => {
      calls.push(effect.phase);
      if (effect.phase === 'PLAN') {
        return { kind: 'worker', outcome: 'result', exit_code: 0, result: { milestones: [{ goal: 'add the greeting', files_expected: planned, done_checks: [] }] } };
      }
      if (effect.phase === 'IMPLEMENT') {
        for (const [file, text] of Object.entries(write)) fs.writeFileSync(path.join(ctx.state.work_dir, file), text);
        return { kind: 'worker', outcome: 'result', exit_code: 0, result: { status: 'ok', summary: 'wrote it' } };
      }
      return { kind: 'worker', outcome: 'result', exit_code: 0, result: { verdict: 'approve', comments: [] } };
    },
  };
}

describe('library: ports replaced by the caller', () => {
  it('a run with in-process workers is guarded, verified and checkpointed by the real ports', async () => {
    const repo = new TestRepo({ config: { verification: { tier0: ['node -e "process.exit(require(\'fs\').readFileSync(\'hello.txt\',\'utf8\')===\'hi\\\\n\'?0:1)"'] } } });
    const calls: string[] = [];
    const handle = await runr.startRun({ repo: repo.dir, task: repo.taskPath, sandbox: 'off', ports: { workers: inProcessWorkers(calls, { 'hello.txt': 'hi\n' }) } });
    const { state, report } = await handle.result;
    expect(report.outcome, JSON.stringify(report)).toBe('complete');
    expect(calls).toEqual(['PLAN', 'IMPLEMENT', 'REVIEW']);
    expect(git(repo.dir, 'show', `${state.checkpoint_sha}:hello.txt`)).toBe('hi');
    expect(report.verify.attempts).toBe(1);
    fs.rmSync(path.dirname(repo.dir), { recursive: true, force: true });
  });

  it('the real guard still judges what an in-process worker writes: a denied file stops the run', async () => {
    const repo = new TestRepo({ config: { scope: { denylist: ['secrets/**'] } } });
    fs.mkdirSync(path.join(repo.dir, 'secrets'));
    fs.writeFileSync(path.join(repo.dir, 'secrets', '.keep'), '');
    git(repo.dir, 'add', '.');
    git(repo.dir, 'commit', '-qm', 'secrets dir');
    const handle = await runr.startRun({ repo: repo.dir, task: repo.taskPath, sandbox: 'off', ports: { workers: inProcessWorkers([], { 'secrets/key.txt': 'x\n' }, ['src/app.js']) } });
    const { report } = await handle.result;
    expect(report.stop_reason).toBe('guard_violation');
    expect(report.guard_violation_files).toEqual(['secrets/key.txt']);
    fs.rmSync(path.dirname(repo.dir), { recursive: true, force: true });
  });
});
