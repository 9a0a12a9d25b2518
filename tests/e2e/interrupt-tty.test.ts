import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { approve, ok, plan, RUNR_BIN, TestRepo } from '../helpers/harness.js';
import { agentProcesses, reportOf, sleep, statusOf, type XScript } from '../helpers/e2e-support.js';

// Ctrl-C and SIGTERM on a foreground run in human mode on a real terminal (spinner on), through a
// pseudo-terminal made by util-linux `script`. The stop must be the clean, resumable one (exit 130),
// never a worker crash.

const script: XScript = {
  PLAN: [{ result: plan('m one') }],
  IMPLEMENT: [{ pid_file: 'implement.pid', sleep_ms: 60_000, result: ok() }, { result: ok() }],
  REVIEW: [{ result: approve() }],
};

const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) for (const pid of agentProcesses(repo)) process.kill(pid, 'SIGKILL');
});

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Starts `runr run` in human mode inside a pty; resolves once the implementer is running. */
async function startInPty(repo: TestRepo) {
  const { NO_COLOR: _, ...env } = repo.env();
  // A pty made by `script` has no size; ora then cannot measure lines, so give it one.
  const line = `stty cols 100 rows 30; exec "${process.execPath}" "${RUNR_BIN}" run --task "${repo.taskPath}" --worktree`;
  const child = execa('script', ['-qfec', line, '/dev/null'], {
    cwd: repo.dir, env: { ...env, TERM: 'xterm' }, extendEnv: false, stdin: 'pipe', reject: false, all: true, timeout: 60_000,
  });
  await until('the implementer to start', () => fs.existsSync(path.join(repo.stateDir, 'implement.pid')));
  await sleep(300);
  const runsDir = path.join(repo.dir, '.runr', 'runs');
  const runId = fs.readdirSync(runsDir)[0]!;
  const runrPid: number = JSON.parse(fs.readFileSync(path.join(runsDir, runId, 'lease.json'), 'utf8')).pid;
  return { child, runId, runrPid };
}

describe.skipIf(!fs.existsSync('/usr/bin/script'))('interrupting a foreground run on a terminal', () => {
  for (const how of ['Ctrl-C', 'SIGTERM'] as const) {
    it(`${how} stops it resumably (exit 130), ends the worker, names the resume command`, async () => {
      const repo = new TestRepo({ script });
      repos.push(repo);
      const { child, runId, runrPid } = await startInPty(repo);
      expect(agentProcesses(repo).length).toBeGreaterThan(1); // runr and its worker
      if (how === 'Ctrl-C') child.stdin!.write('\x03');
      else process.kill(runrPid, 'SIGTERM');
      const end = await child;
      expect(end.exitCode, end.all).toBe(130);
      expect(end.all).toContain(`runr resume ${runId}`);
      expect(end.all).not.toMatch(/worker crashed|worker_failed/);
      await until('the worker to be gone', () => agentProcesses(repo).length === 0, 5_000);

      expect(end.all).toContain(`stopped: interrupted`);

      // The stop is recorded: status, report and wait all say so, with what to do next.
      const status = await statusOf(repo, runId);
      expect(status).toMatchObject({ phase: 'STOPPED', stop_reason: 'interrupted', next_action: 'resume', suggested_command: `runr resume ${runId}` });
      expect(status.stop_detail).toBe(`interrupted by ${how === 'Ctrl-C' ? 'SIGINT' : 'SIGTERM'}`);
      expect(status.stale).toBeUndefined(); // its clean-up ran: nothing is left half-done
      const report = await reportOf(repo, runId);
      expect(report).toMatchObject({ outcome: 'stopped', stop_reason: 'interrupted', next_action: 'resume', suggested_command: `runr resume ${runId}` });
      const waited = await repo.runr(['wait', runId, '--json']);
      expect(waited.json()).toMatchObject({ phase: 'STOPPED', stop_reason: 'interrupted' });
      expect(waited.exitCode).toBe(130);
      const events = repo.events(runId);
      expect(events.filter((e) => e.type === 'run_stopped')).toMatchObject([{ reason: 'interrupted' }]);

      const resumed = await repo.runr(['resume', runId]);
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      const after = await statusOf(repo, runId);
      expect(after.stop_reason).toBe('complete');
      expect(after.milestones.map((m) => m.status)).toEqual(['complete']);
      // The interrupted implementer call was made again, with the same attempt number; nothing else was repeated.
      expect(repo.prompts().map((p) => p.key)).toEqual(['PLAN', 'IMPLEMENT', 'IMPLEMENT', 'REVIEW']);
    }, 90_000);
  }
});
