import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StatusOutputSchema } from '../../src/contracts/outputs.js';
import { AGENT, approve, ok, plan, TestRepo } from '../helpers/harness.js';
import {
  agentFile, agentProcesses, expectNothingCommitted, promptKeys, promptsOf, runToEnd, sleep, worktreeOf, type XScript,
} from '../helpers/e2e-support.js';

/** The `command` worker protocol (SPEC §7) and worker supervision (SPEC §4), through the built CLI. */

const limits = (over: Record<string, number>) => ({
  limits: { stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1, ...over },
});
const repoWith = (script: XScript, config: Record<string, unknown> = {}, files: Record<string, string> = {}) =>
  new TestRepo({ script: script as never, config, files });

describe('what a worker receives', () => {
  it('the RUNR_* environment, the worktree as cwd, the prompt on stdin, the config env over the inherited one', async () => {
    const worker = { type: 'command', command: ['node', AGENT], env: { TEST_FROM_CONFIG: 'config', TEST_OVERRIDDEN: 'by-config' } };
    const repo = repoWith(
      {
        PLAN: [{ dump_env: 'plan.json', result: plan('one', 'two') }],
        'IMPLEMENT:m1': [
          { dump_env: 'impl-m1-a1.json', write: { 'src/a.js': 'bad\n' }, result: ok() },
          { dump_env: 'impl-m1-a2.json', write: { 'src/a.js': 'good\n' }, result: ok() },
        ],
        'IMPLEMENT:m2': [{ dump_env: 'impl-m2.json', write: { 'src/b.js': 'good\n' }, result: ok() }],
        'REVIEW:m1': [{ dump_env: 'review-m1.json', result: approve() }],
        'REVIEW:m2': [{ dump_env: 'review-m2.json', result: approve() }],
      },
      { workers: { planner: worker, implementer: worker, reviewer: worker } },
      { 'check.js': "import fs from 'node:fs'; process.exit(fs.existsSync('src/a.js') && !fs.readFileSync('src/a.js', 'utf8').includes('good') ? 1 : 0);\n" },
    );
    const run = await runToEnd(repo, [], { TEST_INHERITED: 'from-runr', TEST_OVERRIDDEN: 'by-runr' });
    expect(run.status.stop_reason).toBe('complete');
    const env = (name: string) => JSON.parse(agentFile(repo, name));
    const common = {
      RUNR_RUN_ID: run.runId, RUNR_RUN_DIR: repo.runDir(run.runId), cwd: fs.realpathSync(worktreeOf(repo, run.runId)),
      TEST_FROM_CONFIG: 'config', TEST_INHERITED: 'from-runr', TEST_OVERRIDDEN: 'by-config',
    };
    expect(env('plan.json')).toMatchObject({ ...common, RUNR_PHASE: 'PLAN', RUNR_MILESTONE_INDEX: '0', RUNR_ATTEMPT: '1' });
    expect(env('impl-m1-a1.json')).toMatchObject({ ...common, RUNR_PHASE: 'IMPLEMENT', RUNR_MILESTONE_INDEX: '0', RUNR_ATTEMPT: '1' });
    expect(env('impl-m1-a2.json')).toMatchObject({ ...common, RUNR_PHASE: 'IMPLEMENT', RUNR_MILESTONE_INDEX: '0', RUNR_ATTEMPT: '2' });
    expect(env('impl-m2.json')).toMatchObject({ ...common, RUNR_PHASE: 'IMPLEMENT', RUNR_MILESTONE_INDEX: '1', RUNR_ATTEMPT: '1' });
    expect(env('review-m1.json')).toMatchObject({ ...common, RUNR_PHASE: 'REVIEW', RUNR_MILESTONE_INDEX: '0' });
    expect(env('review-m2.json')).toMatchObject({ ...common, RUNR_PHASE: 'REVIEW', RUNR_MILESTONE_INDEX: '1' });
    // The whole prompt arrives on stdin.
    expect(env('plan.json').stdin).toMatch(/^You are the PLANNER/);
    expect(env('plan.json').stdin).toContain('Add src/greet.js exporting greet(name).');
    expect(env('impl-m2.json').stdin).toMatch(/^You are the IMPLEMENTER/);
    expect(env('review-m1.json').stdin).toMatch(/^You are the REVIEWER/);
  });
});

describe('reading the result', () => {
  it('takes the last JSON object: prose with braces and earlier objects before it, fenced blocks, null optional fields', async () => {
    const repo = repoWith({
      PLAN: [{
        stdout: 'Let me think about {the plan}. An example: {"milestones": []}\n',
        fenced: true,
        result: { milestones: [{ goal: 'add a', files_expected: null, done_checks: null }], usage: null },
      }],
      IMPLEMENT: [{
        write: { 'src/a.js': 'a\n' },
        stdout: 'First I thought {"status":"blocked","blocked_reason":"not really"} but then\nfunction f() { return 1; }\n',
        result: { status: 'ok', summary: null, blocked_reason: null, usage: null },
      }],
      REVIEW: [{ stdout: 'Looks good {really}.\n', fenced: true, result: { verdict: 'approve', comments: null } }],
    });
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.stop_reason).toBe('complete');
    expect(run.status.milestones.map((m) => m.goal)).toEqual(['add a']);
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT', 'REVIEW']);
  });
});

describe('completion enforcement', () => {
  it('a worker that exits 0 without a result gets 2 follow-ups, then the run stops with worker_failed', async () => {
    const repo = repoWith({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, stdout: 'All done, trust me!\n' }] });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('worker_failed');
    expect(run.status.next_action).toBe('inspect_logs');
    const prompts = promptsOf(repo, 'IMPLEMENT');
    expect(prompts).toHaveLength(3);
    expect(prompts[0]).not.toContain('follow-up');
    expect(prompts[1]).toContain('follow-up 1');
    expect(prompts[1]).toContain('without the required JSON result');
    expect(prompts[1]).toContain('end your answer with the required JSON object');
    expect(prompts[2]).toContain('follow-up 2');
    expectNothingCommitted(repo, run.runId, main);
  });

  it('a follow-up that brings the result continues the run', async () => {
    const repo = repoWith({
      PLAN: [{ result: plan('add a') }],
      IMPLEMENT: [{ stdout: 'I forgot the JSON\n' }, { write: { 'src/a.js': 'a\n' }, result: ok() }],
      REVIEW: [{ result: approve() }],
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT', 'IMPLEMENT', 'REVIEW']);
    expect(repo.git('show', `runr/${run.runId}:src/a.js`)).toBe('a');
  });

  it('a worker that exits non-zero without a result stops the run with worker_failed at once', async () => {
    const repo = repoWith({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ stderr: 'segfault-ish CRASH-MARKER\n', exit: 3 }] });
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('worker_failed');
    expect(run.status.stop_detail).toContain('code 3');
    expect(run.status.stop_detail).toContain('CRASH-MARKER');
    expect(promptsOf(repo, 'IMPLEMENT')).toHaveLength(1);
  });

  it('a worker command that does not exist stops the run with worker_missing (exit 2, fix_config)', async () => {
    const agent = { type: 'command', command: ['node', AGENT] };
    const repo = repoWith(
      { PLAN: [{ result: plan('add a') }] },
      { workers: { planner: agent, implementer: { type: 'command', command: ['runr-no-such-agent-xyz'] }, reviewer: agent } },
    );
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(2);
    expect(run.status.stop_reason).toBe('worker_missing');
    expect(run.status.next_action).toBe('fix_config');
    expect(run.status.stop_detail).toContain('runr-no-such-agent-xyz');
    expect(promptKeys(repo)).toEqual(['PLAN']);
  });
});

describe('worker supervision', () => {
  it('a silent worker is killed with its whole process tree after stall_timeout_s: stalled_timeout', async () => {
    const repo = repoWith(
      { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ pid_file: 'impl.pid', spawn_sleeper: 'sleeper.pid', stdout: 'working...\n', hang: true }] },
      limits({ stall_timeout_s: 1 }),
    );
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('stalled_timeout');
    expect(workerLogEnd(repo, run.runId, 'implement')).toBe('stall');
    expect(run.status.next_action).toBe('resume');
    expect(agentFile(repo, 'sleeper.pid')).toMatch(/^\d+$/); // the worker and its child did start
    expect(agentProcesses(repo)).toEqual([]);
  });

  it('a worker that prints its result and lingers is killed after result_grace_s; its result stands', async () => {
    const repo = repoWith(
      {
        PLAN: [{ result: plan('add a') }],
        IMPLEMENT: [{ pid_file: 'impl.pid', spawn_sleeper: 'sleeper.pid', write: { 'src/a.js': 'a\n' }, result: ok(), linger_ms: 30_000 }],
        REVIEW: [{ result: approve() }],
      },
      limits({ result_grace_s: 1 }),
    );
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    expect(workerLogEnd(repo, run.runId, 'implement')).toBe('grace');
    expect(repo.git('show', `runr/${run.runId}:src/a.js`)).toBe('a');
    expect(agentFile(repo, 'sleeper.pid')).toMatch(/^\d+$/); // the worker and its child did start
    expect(agentProcesses(repo)).toEqual([]);
    const logs = path.join(repo.runDir(run.runId), 'logs');
    const implLog = fs.readdirSync(logs).find((f) => f.includes('implement'))!;
    expect(fs.readFileSync(path.join(logs, implLog), 'utf8')).toContain('end: grace');
  });

  it('a rate-limited worker parks the run (waiting, retry_at), which then continues on its own', async () => {
    const repo = repoWith({
      PLAN: [{ result: plan('add a') }],
      IMPLEMENT: [{ result: { status: 'rate_limited', retry_after_s: 2 } }, { write: { 'src/a.js': 'a\n' }, result: ok() }],
      REVIEW: [{ result: approve() }],
    });
    let finished = false;
    const running = repo.runr(['run', '--task', repo.taskPath, '--worktree', '--json']).finally(() => { finished = true; });
    let seen: { reason: string; retry_at?: string } | undefined;
    let retryAt: string | undefined;
    while (!finished && !seen) {
      const r = await repo.runr(['status', 'latest']);
      if (r.exitCode === 0) {
        const s = StatusOutputSchema.parse(JSON.parse(r.stdout));
        if (s.waiting) [seen, retryAt] = [s.waiting, s.retry_at];
      }
      await sleep(100);
    }
    const done = await running;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(seen?.reason).toBe('quota_wait');
    expect(retryAt).toBe(seen?.retry_at);
    const runId = JSON.parse(done.stdout.split('\n')[0]!).run_id;
    const events = repo.events(runId);
    const implStarts = events.filter((e) => e.type === 'effect_started' && e.effect.kind === 'worker' && e.effect.phase === 'IMPLEMENT');
    expect(implStarts).toHaveLength(2);
    expect(Date.parse(implStarts[1].ts) - Date.parse(implStarts[0].ts)).toBeGreaterThanOrEqual(1_900);
    expect(events.some((e) => e.type === 'effect_started' && e.effect.kind === 'wait_until')).toBe(true);
    const final = StatusOutputSchema.parse(JSON.parse((await repo.runr(['status', runId])).stdout));
    expect(final.stop_reason).toBe('complete');
    expect(final.waiting).toBeUndefined();
  });

  it('a rate limit that outlasts the time budget stops with quota_wait and its retry_at', async () => {
    const repo = repoWith({ PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ result: { status: 'rate_limited', retry_after_s: 3600 } }] });
    const run = await runToEnd(repo, ['--time', '5']);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('quota_wait');
    expect(run.status.next_action).toBe('resume');
    expect(Date.parse(run.status.retry_at!) - Date.now()).toBeGreaterThan(3000_000);
    expect(run.report.retry_at).toBe(run.status.retry_at);
  });
});

/** How runr says the (first) worker call of a phase ended, from its transcript ("exit", "stall", "grace", …). */
function workerLogEnd(repo: TestRepo, runId: string, phase: string): string | undefined {
  const logs = path.join(repo.runDir(runId), 'logs');
  const file = fs.readdirSync(logs).filter((f) => f.includes(`-${phase}-`)).sort((a, b) => parseInt(a.slice(1)) - parseInt(b.slice(1)))[0];
  return file ? /## end: (\w+)/.exec(fs.readFileSync(path.join(logs, file), 'utf8'))?.[1] : undefined;
}
