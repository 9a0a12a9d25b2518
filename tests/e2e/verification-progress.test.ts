// Progress lines without a TTY (run, follow): a heartbeat during a long step; a failed verification with what failed.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { approve, ok, plan, TestRepo } from '../helpers/harness.js';

const FAILING_CHECK = `console.log(' ✓ tests/math.test.ts > adds');
console.log(' × tests/auth.test.ts > login redirects to dashboard');
console.log("AssertionError: expected '/login' to be '/dashboard'");
console.log(' Test Files  1 failed | 1 passed (2)');
process.exit(1);
`;

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) fs.rmSync(path.dirname(r.dir), { recursive: true, force: true });
});

describe('progress of a failed verification', () => {
  it('run (no TTY) and follow show the failing test and the assertion under the failed command', async () => {
    const repo = new TestRepo({
      files: { 'check.js': FAILING_CHECK },
      config: { limits: { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 } },
      script: { PLAN: [{ result: plan('fix login') }], IMPLEMENT: [{ result: ok() }], REVIEW: [{ result: approve() }] },
    });
    repos.push(repo);
    const run = await repo.runr(['run', '--task', repo.taskPath, '--worktree']);
    expect(run.exitCode, run.stderr).toBe(1);
    for (const out of [run.stdout, (await repo.runr(['follow', 'latest'])).stdout]) {
      expect(out).toMatch(/✗ VERIFY +node check\.js failed \(exit 1\)\n +│ × tests\/auth\.test\.ts > login redirects to dashboard\n +│ AssertionError: expected '\/login' to be '\/dashboard'/);
      expect(out).not.toContain('│ ✓ tests/math.test.ts');
    }
  }, 60_000);

  it('a long worker call gets a heartbeat line with its elapsed time (RUNR_PROGRESS_HEARTBEAT_S), and none after it ended', async () => {
    const repo = new TestRepo({ script: { PLAN: [{ result: plan('slow') }], IMPLEMENT: [{ sleep_ms: 2600, result: ok() }], REVIEW: [{ result: approve() }] } });
    repos.push(repo);
    const run = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--fast'], { env: { RUNR_PROGRESS_HEARTBEAT_S: '1' } });
    expect(run.exitCode, run.stderr).toBe(0);
    const beats = run.stdout.split('\n').filter((l) => l.includes('still going'));
    expect(beats.length, run.stdout).toBeGreaterThanOrEqual(2);
    expect(beats[0]).toMatch(/^▶ IMPLEMENT +m1 attempt 1: .*: still going, [12]s$/);
    // None after the call: the last heartbeat comes before the IMPLEMENT result line.
    const lines = run.stdout.split('\n');
    const lastBeat = lines.map((l, i) => (l.includes('still going') ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    expect(lastBeat).toBeLessThan(lines.findIndex((l) => /IMPLEMENT +m1 attempt 1 done/.test(l)));
  }, 60_000);
});
