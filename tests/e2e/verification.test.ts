import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve, ok, plan, startRun, TestRepo } from '../helpers/harness.js';
import { agentFile, agentProcesses, expectNothingCommitted, filesOf, promptKeys, promptsOf, reportOf, runToEnd, statusOf } from '../helpers/e2e-support.js';

/** VERIFY (SPEC §4): tiers in order, fail-fast, per-command timeout, evidence to the implementer, retries. */

/** `node tier.js <name> [fail]`: appends <name> to order.txt in the agent's state dir, then passes or fails. */
const TIER_SCRIPT = `import fs from 'node:fs';
fs.appendFileSync(process.env.AGENT_STATE_DIR + '/order.txt', process.argv[2] + '\\n');
console.log('tier command ' + process.argv[2] + ' ran');
process.exit(process.argv[3] === 'fail' ? 3 : 0);
`;

/** Tests the implementation for real: src/greet.js must export greet(name) returning "hello <name>". */
const GREET_CHECK = `import fs from 'node:fs';
for (let i = 1; i <= 100; i++) console.log('noise ' + String(i).padStart(3, '0'));
if (!fs.existsSync('src/greet.js')) { console.error('FAIL: src/greet.js does not exist'); process.exit(1); }
const { greet } = await import('./src/greet.js');
const got = greet('x');
if (got !== 'hello x') { console.error('FAIL: expected greet("x") to be "hello x" but got ' + JSON.stringify(got)); process.exit(1); }
console.log('PASS');
`;

const logsOf = (repo: TestRepo, runId: string) => {
  const dir = path.join(repo.runDir(runId), 'logs');
  return fs.readdirSync(dir).map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
};

const oneMilestone = (implement: object[] = [{ write: { 'src/a.js': 'a\n' }, result: ok() }]) => ({
  PLAN: [{ result: plan('the change') }],
  IMPLEMENT: implement,
  REVIEW: [{ result: approve() }],
});

describe('verification tiers', () => {
  it('runs tier0, tier1 and tier2 in order, every command, and logs each one under the run', async () => {
    const repo = new TestRepo({
      files: { 'tier.js': TIER_SCRIPT },
      config: { verification: { tier0: ['node tier.js t0'], tier1: ['node tier.js t1a', 'node tier.js t1b'], tier2: ['node tier.js t2'] } },
      script: oneMilestone(),
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    expect(agentFile(repo, 'order.txt')).toBe('t0\nt1a\nt1b\nt2\n');
    const log = logsOf(repo, run.runId).find((l) => l.name.includes('verify'));
    expect(log, 'a verification log under logs/').toBeDefined();
    const at = (s: string) => log!.text.indexOf(s);
    expect(at('$ node tier.js t0')).toBeGreaterThanOrEqual(0);
    expect(at('tier command t0 ran')).toBeGreaterThan(at('$ node tier.js t0'));
    expect(at('$ node tier.js t1a')).toBeGreaterThan(at('tier command t0 ran'));
    expect(at('$ node tier.js t2')).toBeGreaterThan(at('$ node tier.js t1b'));
    expect(run.report.verify.attempts).toBe(1);
    expect(run.report.verify.retries).toBe(0);
  });

  it('is fail-fast: after a failing tier1 command, nothing later runs', async () => {
    const repo = new TestRepo({
      files: { 'tier.js': TIER_SCRIPT },
      config: {
        verification: { tier0: ['node tier.js t0'], tier1: ['node tier.js t1 fail', 'node tier.js t1-after'], tier2: ['node tier.js t2'] },
        limits: { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 },
      },
      script: oneMilestone(),
    });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(agentFile(repo, 'order.txt')).toBe('t0\nt1\n');
    expect(run.report.verification_failure).toMatchObject({ tier: 'tier1', command: 'node tier.js t1 fail', exit_code: 3, timed_out: false });
    expect(promptKeys(repo)).not.toContain('REVIEW');
    expectNothingCommitted(repo, run.runId, main);
  });

  it('a command that runs past verify_timeout_s is killed and counts as a failure', async () => {
    const repo = new TestRepo({
      files: {
        'slow.js': "import fs from 'node:fs'; fs.writeFileSync(process.env.AGENT_STATE_DIR + '/slow.pid', String(process.pid)); console.log('slow check started'); setTimeout(() => {}, 30000);\n",
      },
      config: {
        verification: { tier0: [], tier1: ['node slow.js'], tier2: ['node check.js'] },
        limits: { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 1, result_grace_s: 1 },
      },
      script: oneMilestone(),
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('verification_failed_max_retries');
    expect(run.report.verification_failure).toMatchObject({ tier: 'tier1', command: 'node slow.js', timed_out: true });
    expect(run.report.verification_failure?.excerpt).toContain('slow check started');
    expect(run.report.verification_failure?.excerpt).toContain('killed after 1 s');
    expect(run.report.stop_detail).toContain('timed out');
    expect(agentFile(repo, 'slow.pid')).toMatch(/^\d+$/); // it did start
    expect(agentProcesses(repo)).toEqual([]);
  });
});

describe('verification failures', () => {
  it('gives the implementer the failing command and the tail of its output, then passes on attempt 2', async () => {
    const repo = new TestRepo({
      files: { 'check.js': GREET_CHECK },
      script: oneMilestone([
        { write: { 'src/greet.js': "export const greet = (n) => 'hi ' + n;\n" }, result: ok('first try') },
        { write: { 'src/greet.js': "export const greet = (n) => 'hello ' + n;\n" }, result: ok('fixed') },
      ]),
    });
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.stop_reason).toBe('complete');
    const [first, second] = promptsOf(repo, 'IMPLEMENT');
    expect(promptsOf(repo, 'IMPLEMENT')).toHaveLength(2);
    expect(first).not.toContain('FAIL: expected');
    expect(second).toMatch(/^ATTEMPT=2 /);
    expect(second).toContain('node check.js');
    expect(second).toContain('exited with code 1');
    expect(second).toContain('FAIL: expected greet("x") to be "hello x" but got "hi x"');
    expect(second).toContain('noise 100');
    expect(second).not.toContain('noise 001');
    expect(second).toContain('first try');
    expect(run.report.verify).toMatchObject({ attempts: 2, retries: 1 });
    expect(run.status.verification_failures).toBe(1);
    expect(repo.git('show', `runr/${run.runId}:src/greet.js`)).toContain("'hello '");
    const verifyLogs = logsOf(repo, run.runId).filter((l) => l.name.includes('verify'));
    expect(verifyLogs.length).toBeGreaterThanOrEqual(1);
    expect(verifyLogs.map((l) => l.text).join('\n')).toContain('FAIL: expected greet("x")');
    expect(verifyLogs.map((l) => l.text).join('\n')).toContain('PASS');
  });

  it('stops with verification_failed_max_retries after max_verify_retries failures, with the excerpt in the report', async () => {
    const repo = new TestRepo({
      files: { 'check.js': GREET_CHECK },
      config: { limits: { max_verify_retries: 2, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 } },
      script: oneMilestone([{ write: { 'src/greet.js': "export const greet = () => 'nope';\n" }, result: ok() }]),
    });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('verification_failed_max_retries');
    expect(run.status.verification_failures).toBe(2);
    expect(run.status.next_action).toBe('resume');
    expect(run.status.suggested_command).toBe(`runr resume ${run.runId}`);
    expect(promptsOf(repo, 'IMPLEMENT')).toHaveLength(2);
    expect(run.report.stop_reason).toBe('verification_failed_max_retries');
    expect(run.report.verification_failure?.command).toBe('node check.js');
    expect(run.report.verification_failure?.exit_code).toBe(1);
    expect(run.report.verification_failure?.excerpt).toContain('but got "nope"');
    expect(fs.readFileSync(run.report.verification_failure!.log_path, 'utf8')).toContain('but got "nope"');
    expect(run.report.verification_failure!.log_path.startsWith(path.join(repo.runDir(run.runId), 'logs'))).toBe(true);
    expect(run.report.verify.attempts).toBe(2);
    expectNothingCommitted(repo, run.runId, main);
  });

  it('resume retries the failed milestone and completes without redoing a checkpointed one', async () => {
    const check = `import fs from 'node:fs';
if (fs.existsSync('src/b.js') && !fs.readFileSync('src/b.js', 'utf8').includes('good')) { console.error('B-IS-BAD'); process.exit(1); }
`;
    const repo = new TestRepo({
      files: { 'check.js': check },
      config: { limits: { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 } },
      script: {
        PLAN: [{ result: plan('add a', 'add b') }],
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
        'IMPLEMENT:m2': [{ write: { 'src/b.js': 'bad\n' }, result: ok() }, { write: { 'src/b.js': 'good\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const run = await startRun(repo);
    expect(run.exitCode).toBe(1);
    const stopped = await statusOf(repo, run.runId);
    expect(stopped.stop_reason).toBe('verification_failed_max_retries');
    expect(stopped.verification_failures).toBe(1);
    expect(stopped.milestones.map((m) => m.status)).toEqual(['complete', 'in_progress']);
    const m1 = stopped.milestones[0]!.checkpoint_sha!;
    expect(repo.git('rev-parse', `runr/${run.runId}`)).toBe(m1);
    const before = repo.prompts().length;

    const resumed = await repo.runr(['resume', run.runId]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const after = repo.prompts().slice(before).map((p) => p.key);
    expect(after).toEqual(['IMPLEMENT-m2', 'REVIEW']);
    expect(repo.prompts().slice(before)[0]!.text).toContain('B-IS-BAD');
    const done = await statusOf(repo, run.runId);
    expect(done.stop_reason).toBe('complete');
    expect(done.milestones[0]!.checkpoint_sha).toBe(m1);
    const report = await reportOf(repo, run.runId);
    expect(report.milestones).toEqual({ completed: 2, total: 2 });
    expect(repo.git('rev-parse', `runr/${run.runId}~1`)).toBe(m1);
    expect(filesOf(repo, `runr/${run.runId}`)).toEqual(['src/b.js']);
    expect(repo.git('show', `runr/${run.runId}:src/b.js`)).toBe('good');
  });
});
