import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve, ok, plan, ROOT, TestRepo } from '../helpers/harness.js';
import { filesUnder, runToEnd } from '../helpers/e2e-support.js';

/**
 * Output that is large, and secrets split across output chunks: what runr keeps of a worker's and a
 * verification's output is bounded in memory and on disk (head and tail, the dropped size noted), the
 * result still comes from the end, and no fragment of a secret lands anywhere runr writes or prints.
 */

const LOUD = path.join(ROOT, 'tests', 'agents', 'loud-agent.mjs');
const MiB = 1_024 * 1_024;
const KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN'; // a value from the env: 56 characters
const TOKEN = 'ghp_ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxw'; // a well-known shape, under a name that is not secret-looking
const ENV = { TEST_API_KEY: KEY, TEST_PLAIN: TOKEN };

/** Every 8-character piece of a secret that appears in `text`. */
function fragments(text: string): string[] {
  const found: string[] = [];
  for (const secret of [KEY, TOKEN]) {
    for (let i = 0; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) found.push(secret.slice(i, i + 8));
  }
  return found;
}

const split = (name: string) => [{ text: ' ' }, { split: name }, { text: ' \n' }];

describe('large output and secrets split across chunks', () => {
  it('a worker and a verification printing 20 MB each: bounded logs, the result from the end, no secret fragment anywhere', async () => {
    const loud = {
      // A plan after 20 MB, secrets straddling the cuts runr makes (64 KiB and 1 MiB in, 1 MiB before the end).
      PLAN: [
        { noise: 64 * 1_024 - 30 }, ...split('TEST_API_KEY'),
        { noise: MiB - 64 * 1_024 - 60 }, ...split('TEST_PLAIN'),
        { noise: 20 * MiB },
        ...split('TEST_API_KEY'), ...split('TEST_PLAIN'),
        { end_with: MiB - 20, result: plan('add a') },
      ],
      // The secrets near the end, where output_tail comes from.
      IMPLEMENT: [{ write: { 'src/a.js': 'a\n' } }, { noise: 3 * MiB }, ...split('TEST_API_KEY'), ...split('TEST_PLAIN'), { end_with: 500, result: ok() }],
      REVIEW: [...split('TEST_PLAIN'), { end_with: 100, result: approve() }],
      // Fails once, with the failure summary at the very end of 20 MB, after the secrets.
      VERIFY: [
        ...split('TEST_API_KEY'), { noise: 20 * MiB }, ...split('TEST_PLAIN'), { noise: 1_000 }, ...split('TEST_API_KEY'),
        { text: '\nFAILED: 1 of 12 tests (greet.test.js)\n' }, { exit_once: 1, marker: 'verified-once' },
      ],
    };
    const worker = { type: 'command', command: ['node', LOUD, JSON.stringify(loud)] };
    const repo = new TestRepo({
      config: {
        workers: { planner: worker, implementer: worker, reviewer: worker },
        verification: { tier0: [], tier1: [], tier2: [`node ${JSON.stringify(LOUD)} '${JSON.stringify({ VERIFY: loud.VERIFY })}'`] },
      },
    });
    const run = await runToEnd(repo, [], ENV);
    expect(run.status.stop_reason, run.stderr).toBe('complete');

    // The plan printed after 20 MB was read from the end of stdout.
    const plans = repo.events(run.runId).filter((e) => e.type === 'effect_result' && e.result.kind === 'worker' && e.result.result?.milestones);
    expect(plans[0]?.result.result.milestones.map((m: { goal: string }) => m.goal)).toEqual(['add a']);

    // Logs hold the head and the tail of each output, saying how much was dropped.
    const logs = path.join(repo.runDir(run.runId), 'logs');
    const logFiles = fs.readdirSync(logs).map((f) => path.join(logs, f));
    const planLog = logFiles.find((f) => /plan/.test(path.basename(f)))!;
    const verifyLog = logFiles.find((f) => /verify/.test(path.basename(f)))!;
    for (const log of [planLog, verifyLog]) {
      expect(fs.statSync(log).size, log).toBeLessThan(2.5 * MiB);
      const omitted = Number(/\[runr: (\d+) bytes omitted\]/.exec(fs.readFileSync(log, 'utf8'))?.[1]);
      expect(omitted, log).toBeGreaterThan(18 * MiB);
      expect(omitted, log).toBeLessThan(21 * MiB);
    }
    expect(fs.readFileSync(planLog, 'utf8')).toContain('"milestones"');
    expect(fs.readFileSync(verifyLog, 'utf8')).toContain('FAILED: 1 of 12 tests');
    let written = 0;
    for (const f of filesUnder(path.join(repo.dir, '.runr'), ['worktrees'])) written += fs.statSync(f).size;
    expect(written).toBeLessThan(12 * MiB);

    // The failed verification's excerpt is the end of its output.
    const failure = repo.events(run.runId).find((e) => e.type === 'effect_result' && e.result.kind === 'verify' && !e.result.ok)?.result.failure;
    expect(failure.excerpt.trimEnd().endsWith('FAILED: 1 of 12 tests (greet.test.js)')).toBe(true);

    // No fragment of either secret in any file runr wrote, nor in what status and report print.
    for (const f of filesUnder(path.join(repo.dir, '.runr'), ['worktrees'])) {
      expect(fragments(fs.readFileSync(f, 'utf8')), path.relative(repo.dir, f)).toEqual([]);
    }
    const printed = [await repo.runr(['status', run.runId, '--json']), await repo.runr(['report', run.runId, '--json'])];
    for (const r of printed) expect(fragments(r.stdout + r.stderr)).toEqual([]);
    // The secrets really went through: they were redacted, not absent.
    expect(fs.readFileSync(planLog, 'utf8')).toContain('[REDACTED]');
    expect(failure.excerpt).toContain('[REDACTED]');
  }, 120_000);

  it('a worker that crashes right after printing secrets split across chunks: its output tail in status and report is redacted', async () => {
    const loud = {
      PLAN: [{ result: plan('add a') }],
      IMPLEMENT: [{ noise: 5_000 }, ...split('TEST_API_KEY'), { text: 'x' }, ...split('TEST_PLAIN'), { text: 'crashing now\n' }, { exit_once: 3, marker: 'crashed' }],
    };
    const worker = { type: 'command', command: ['node', LOUD, JSON.stringify(loud)] };
    const repo = new TestRepo({ config: { workers: { planner: worker, implementer: worker, reviewer: worker } } });
    const run = await runToEnd(repo, [], ENV);
    expect(run.status.stop_reason, run.stderr).toBe('worker_failed');
    const status = await repo.runr(['status', run.runId, '--json']);
    const report = await repo.runr(['report', run.runId, '--json']);
    expect(report.stdout).toContain('crashing now');
    expect(report.stdout).toContain('[REDACTED]');
    for (const r of [status, report]) expect(fragments(r.stdout + r.stderr)).toEqual([]);
    for (const f of filesUnder(path.join(repo.dir, '.runr'), ['worktrees'])) {
      expect(fragments(fs.readFileSync(f, 'utf8')), path.relative(repo.dir, f)).toEqual([]);
    }
  }, 60_000);
});
