/**
 * The operator guide's machine contracts, through the built CLI: the `run --json` start line,
 * `status` (default JSON, --human, --all, latest) and `report --json`'s fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  ReportOutputSchema, StartOutputSchema, StatusAllOutputSchema, StatusOutputSchema, WaitOutputSchema,
} from '../../src/contracts/outputs.js';
import { isIsoDate, RUN_ID } from '../helpers/cli.js';
import { approve, ok, plan, RUNR_BIN, startRun, TestRepo } from '../helpers/harness.js';

const PHASE_NAMES = ['PLAN', 'IMPLEMENT', 'VERIFY', 'REVIEW', 'CHECKPOINT'];

describe('run --json: the start line', () => {
  it('is the first stdout line, printed before any work; stdout carries only JSON, human text goes to stderr', async () => {
    const repo = new TestRepo({
      script: { PLAN: [{ sleep_ms: 1500, result: plan('m one') }], IMPLEMENT: [{ result: ok() }], REVIEW: [{ result: approve() }] },
    });
    const t0 = Date.now();
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({ PLAN: [{ wait_for: release, result: plan('m one') }], IMPLEMENT: [{ result: ok() }], REVIEW: [{ result: approve() }] });
    let seen = '';
    const child = execa(process.execPath, [RUNR_BIN, 'run', '--task', repo.taskPath, '--worktree', '--json'], {
      cwd: repo.dir, env: repo.env(), reject: false, stdin: 'ignore', timeout: 60_000,
    });
    // The planner blocks until `release` exists, and it is created only once the start line has arrived:
    // the line is flushed before any work (the run could not finish without it).
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('\n') && !fs.existsSync(release)) fs.writeFileSync(release, '');
    });
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(0);

    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const raw = JSON.parse(lines[0]!);
    expect(Object.keys(raw).sort()).toEqual(['repo_root', 'run_dir', 'run_id', 'status']);
    const start = StartOutputSchema.parse(raw);
    expect(start.run_id).toMatch(RUN_ID);
    expect(start.status).toBe('started');
    expect(start.repo_root).toBe(repo.dir);
    expect(start.run_dir).toBe(repo.runDir(start.run_id));
    expect(fs.existsSync(start.run_dir)).toBe(true);
    // The id is the UTC start time (YYYYMMDDHHMMSS).
    const id = start.run_id;
    const idTime = Date.UTC(+id.slice(0, 4), +id.slice(4, 6) - 1, +id.slice(6, 8), +id.slice(8, 10), +id.slice(10, 12), +id.slice(12, 14));
    expect(Math.abs(idTime - t0)).toBeLessThan(60_000);
    // Human progress went to stderr.
    expect(r.stderr).toMatch(/PLAN/);
    expect(r.stderr).toContain(start.run_id);
  });

  it('gives two runs started in the same second distinct, sortable ids', async () => {
    const repo = new TestRepo({ script: { IMPLEMENT: [{ result: ok() }] } });
    const [a, b, c] = await Promise.all([
      startRun(repo, ['--fast']), startRun(repo, ['--fast']), startRun(repo, ['--fast']),
    ]);
    const ids = [a!.runId, b!.runId, c!.runId];
    for (const r of [a!, b!, c!]) expect(r.exitCode, r.stderr).toBe(0);
    for (const id of ids) expect(id).toMatch(RUN_ID);
    expect(new Set(ids).size).toBe(3);
    const all = (await repo.runr(['status', '--all'])).json(StatusAllOutputSchema);
    expect(all.runs.map((s) => s.run_id)).toEqual([...ids].sort().reverse());
    expect(all.runs.every((s) => s.stop_reason === 'complete')).toBe(true);
  });
});

describe('status', () => {
  it('prints the guide\'s JSON by default (and with --json), a readable view with --human', async () => {
    const repo = new TestRepo({
      script: { PLAN: [{ result: plan('first step', 'second step') }], IMPLEMENT: [{ result: ok() }], REVIEW: [{ result: approve() }] },
    });
    const { runId, exitCode } = await startRun(repo);
    expect(exitCode).toBe(0);

    const r = await repo.runr(['status', runId]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const raw = JSON.parse(r.stdout);
    for (const key of ['run_id', 'phase', 'milestone_index', 'milestones', 'stop_reason', 'verification_failures', 'updated_at']) {
      expect(raw, key).toHaveProperty(key);
    }
    const s = StatusOutputSchema.parse(raw);
    expect(s.run_id).toBe(runId);
    expect(s.phase).toBe('STOPPED');
    expect(s.stop_reason).toBe('complete');
    expect(s.verification_failures).toBe(0);
    expect(typeof s.milestone_index).toBe('number');
    expect(s.milestones.map(({ id, goal, status }) => ({ id, goal, status }))).toEqual([
      { id: 'm1', goal: 'first step', status: 'complete' },
      { id: 'm2', goal: 'second step', status: 'complete' },
    ]);
    expect(isIsoDate(s.updated_at)).toBe(true);
    expect(s.stale).toBeUndefined();

    const withJson = (await repo.runr(['status', runId, '--json'])).json(StatusOutputSchema);
    expect(withJson).toEqual(s);

    const human = await repo.runr(['status', runId, '--human']);
    expect(human.exitCode).toBe(0);
    expect(() => JSON.parse(human.stdout)).toThrow();
    expect(human.stdout).toContain(runId);
    expect(human.stdout).toContain('complete');
    expect(human.stdout).toContain('m1 first step');
    expect(human.stdout).toContain('m2 second step');

    // Not a TTY: no colour codes, even without NO_COLOR and with FORCE_COLOR set.
    const { NO_COLOR: _drop, ...inherited } = process.env;
    for (const args of [['status', runId, '--human'], ['report', runId], ['wait', runId]]) {
      const plain = await execa(process.execPath, [RUNR_BIN, ...args], {
        cwd: repo.dir, env: { ...inherited, FORCE_COLOR: '1' }, extendEnv: false, reject: false, stdin: 'ignore',
      });
      expect(plain.exitCode, args.join(' ')).toBe(0);
      expect(`${plain.stdout}${plain.stderr}`, args.join(' ')).not.toMatch(/\x1b\[/);
    }
  });

  it('--all lists every run newest first; `latest` works for status, report, wait and resume', async () => {
    const repo = new TestRepo({ script: { IMPLEMENT: [{ result: ok() }] } });
    const empty = await repo.runr(['status', '--all']);
    expect(empty.json(StatusAllOutputSchema).runs).toEqual([]);
    const first = await startRun(repo, ['--fast']);
    const second = await startRun(repo, ['--fast']);
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect(second.runId > first.runId).toBe(true);

    const all = (await repo.runr(['status', '--all'])).json(StatusAllOutputSchema);
    expect(all.runs.map((s) => s.run_id)).toEqual([second.runId, first.runId]);
    const allJson = (await repo.runr(['status', '--all', '--json'])).json(StatusAllOutputSchema);
    expect(allJson.runs.map((s) => s.run_id)).toEqual([second.runId, first.runId]);
    const human = await repo.runr(['status', '--all', '--human']);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^✓ ${second.runId} +complete`));
    expect(lines[1]).toMatch(new RegExp(`^✓ ${first.runId} +complete`));

    expect((await repo.runr(['status', 'latest'])).json(StatusOutputSchema).run_id).toBe(second.runId);
    expect((await repo.runr(['report', 'latest', '--json'])).json(ReportOutputSchema).run_id).toBe(second.runId);
    const w = await repo.runr(['wait', 'latest', '--for', 'terminal', '--json']);
    expect(w.exitCode).toBe(0);
    expect(w.json(WaitOutputSchema).run_id).toBe(second.runId);
    // resume accepts `latest` too: the run is complete, so it is refused as not resumable (5), not "not found" (3).
    const res = await repo.runr(['resume', 'latest', '--json']);
    expect(res.exitCode).toBe(5);
    expect(res.json().error.message).toContain(second.runId);
  });
});

describe('report --json', () => {
  it('carries every field of the guide\'s example, plus branch, worktree_path and summed usage', async () => {
    const u = (input_tokens: number, output_tokens: number, cost_usd: number) => ({ input_tokens, output_tokens, cost_usd });
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: { ...plan('add a', 'add b'), usage: u(1000, 100, 0.01) } }],
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'export const a = 1;\n' }, result: { ...ok('a'), usage: u(2000, 200, 0.02) } }],
        'IMPLEMENT:m2': [{ write: { 'src/b.js': 'export const b = 2;\n' }, result: { ...ok('b'), usage: u(3000, 300, 0.03) } }],
        REVIEW: [{ result: { ...approve(), usage: u(500, 50, 0.005) } }],
      },
    });
    const { runId, exitCode } = await startRun(repo);
    expect(exitCode).toBe(0);
    const r = await repo.runr(['report', runId, '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const raw = JSON.parse(r.stdout);
    const guideFields = ['version', 'run_id', 'phase', 'checkpoint_sha', 'total_duration_ms', 'started_at', 'ended_at', 'phases',
      'verify', 'milestones', 'outcome', 'stop_reason', 'next_action', 'suggested_command'];
    for (const key of [...guideFields, 'branch', 'worktree_path', 'usage']) expect(raw, key).toHaveProperty(key);
    for (const p of PHASE_NAMES) expect(Object.keys(raw.phases[p]).sort(), p).toEqual(['count', 'duration_ms']);
    expect(Object.keys(raw.verify).sort()).toEqual(['attempts', 'retries', 'total_duration_ms']);

    const rep = ReportOutputSchema.parse(raw);
    expect(rep).toMatchObject({
      version: 1, run_id: runId, phase: 'STOPPED', outcome: 'complete', stop_reason: null, next_action: 'none',
      milestones: { completed: 2, total: 2 }, branch: `runr/${runId}`,
    });
    expect(rep.checkpoint_sha).toBe(repo.git('rev-parse', `runr/${runId}`));
    expect(rep.worktree_path).toBe(`${repo.dir}/.runr/worktrees/${runId}`);
    expect(fs.existsSync(rep.worktree_path)).toBe(true);
    expect(isIsoDate(rep.started_at) && isIsoDate(rep.ended_at)).toBe(true);
    expect(rep.total_duration_ms).toBe(Date.parse(rep.ended_at!) - Date.parse(rep.started_at));
    expect(rep.phases.PLAN.count).toBe(1);
    expect(rep.phases.IMPLEMENT.count).toBe(2);
    expect(rep.phases.VERIFY.count).toBe(2);
    expect(rep.phases.REVIEW.count).toBe(2);
    expect(rep.phases.CHECKPOINT.count).toBe(2);
    expect(rep.verify).toMatchObject({ attempts: 2, retries: 0 });
    expect(rep.suggested_command).not.toMatch(/<run_id>/);

    // Usage is the sum of what the agent reported: PLAN + 2 × IMPLEMENT + 2 × REVIEW.
    expect(rep.usage.total.input_tokens).toBe(1000 + 2000 + 3000 + 500 * 2);
    expect(rep.usage.total.output_tokens).toBe(100 + 200 + 300 + 50 * 2);
    expect(rep.usage.total.cost_usd).toBeCloseTo(0.01 + 0.02 + 0.03 + 0.01, 6);
    expect(rep.usage.total.calls).toBe(5);
    expect(rep.usage.by_phase.PLAN).toMatchObject({ input_tokens: 1000, output_tokens: 100, calls: 1 });
    expect(rep.usage.by_phase.IMPLEMENT).toMatchObject({ input_tokens: 5000, output_tokens: 500, calls: 2 });
    expect(rep.usage.by_phase.REVIEW).toMatchObject({ input_tokens: 1000, output_tokens: 100, calls: 2 });

    // Human views: --kpi-only shows the KPIs; the full report ends with the exact next command.
    const kpi = await repo.runr(['report', runId, '--kpi-only']);
    expect(kpi.exitCode).toBe(0);
    expect(() => JSON.parse(kpi.stdout)).toThrow();
    expect(kpi.stdout).toContain(runId);
    expect(kpi.stdout).toMatch(/outcome: complete/);
    expect(kpi.stdout).toMatch(/milestones: 2\/2/);
    expect(kpi.stdout).toMatch(/usage: 7000 in \+ 700 out tokens, \$0\.0700, 5 calls/);
    const human = await repo.runr(['report', runId]);
    expect(human.exitCode).toBe(0);
    expect(human.stdout.trim().split('\n').at(-1)!.trim()).toBe(`Next: ${rep.suggested_command}`);
  });

  it('on a verification stop: excerpt of the failing command, next_action resume, `runr resume <id>`', async () => {
    const repo = new TestRepo({
      files: { 'check.js': "console.error('BOOM: expected 3, got 4'); process.exit(1)\n" },
      config: { limits: { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 } },
      script: { IMPLEMENT: [{ write: { 'src/a.js': 'x\n' }, result: ok() }] },
    });
    // Human run: exit 1, and stdout ends with the stop reason and the exact next command.
    const run = await repo.runr(['run', '--task', repo.taskPath, '--worktree', '--fast']);
    expect(run.exitCode, run.stderr).toBe(1);
    const runId = /Started run (\d{14})/.exec(run.stdout)?.[1] ?? '';
    expect(runId).toMatch(RUN_ID);
    expect(run.stdout).toContain('verification_failed_max_retries');
    expect(run.stdout.trim().split('\n').at(-1)!.trim()).toBe(`Next: runr resume ${runId}`);

    const rep = (await repo.runr(['report', runId, '--json'])).json(ReportOutputSchema);
    expect(rep).toMatchObject({
      outcome: 'stopped', phase: 'STOPPED', stop_reason: 'verification_failed_max_retries',
      next_action: 'resume', suggested_command: `runr resume ${runId}`, milestones: { completed: 0, total: 1 },
      checkpoint_sha: null,
    });
    expect(rep.verification_failure).not.toBeNull();
    expect(rep.verification_failure!.command).toBe('node check.js');
    expect(rep.verification_failure!.excerpt).toContain('BOOM: expected 3, got 4');
    expect(rep.verify.attempts).toBeGreaterThanOrEqual(1);
    expect(rep.verify.retries).toBe(rep.verify.attempts - 1);
    // Both human ends (run's and report's): the stop's mark and reason, the reason in words, the exact next command last.
    for (const stdout of [run.stdout, (await repo.runr(['report', runId])).stdout]) {
      const lines = stdout.trim().split('\n');
      const stop = lines.findIndex((l) => l === `✗ Run ${runId} stopped: verification_failed_max_retries (0/1 milestone checkpointed)`);
      expect(stop, stdout).toBeGreaterThan(-1);
      expect(lines[stop + 1]!.trim()).toBe(rep.explanation);
      expect(lines.at(-1)).toBe(`  Next: ${rep.suggested_command}`);
    }

    const status = (await repo.runr(['status', runId])).json(StatusOutputSchema);
    expect(status).toMatchObject({ phase: 'STOPPED', stop_reason: 'verification_failed_max_retries' });
    expect(status.verification_failures).toBeGreaterThanOrEqual(1);

    const human = await repo.runr(['report', runId]);
    expect(human.stdout).toContain('BOOM: expected 3, got 4');
    expect(human.stdout.trim().split('\n').at(-1)!.trim()).toBe(`Next: runr resume ${runId}`);
    const kpi = await repo.runr(['report', runId, '--kpi-only']);
    expect(kpi.stdout).toMatch(/outcome: stopped \(verification_failed_max_retries\)/);
  });
});
