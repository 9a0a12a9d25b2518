import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT, approve, ok, plan, TestRepo } from '../helpers/harness.js';
import { agentFile, filesUnder, promptsOf, runToEnd, type XScript } from '../helpers/e2e-support.js';

/** Usage reported by workers, and secrets kept out of everything runr writes (SPEC §7, §10). */

const repoWith = (script: XScript, config: Record<string, unknown> = {}, files: Record<string, string> = {}) =>
  new TestRepo({ script: script as never, config, files });

describe('usage and secrets', () => {
  it('sums the usage the workers report, in total and per phase', async () => {
    const repo = repoWith({
      PLAN: [{ result: { ...plan('add a'), usage: { input_tokens: 100, output_tokens: 10, cost_usd: 0.01 } } }],
      IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: { ...ok(), usage: { input_tokens: 200, output_tokens: 20, cost_usd: 0.02 } } }],
      REVIEW: [
        { result: { verdict: 'request_changes', comments: ['x'], usage: { input_tokens: 300, output_tokens: 30, cost_usd: 0.03 } } },
        { result: { ...approve(), usage: { input_tokens: 400, output_tokens: 40, cost_usd: null } } },
      ],
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    const { total, by_phase } = run.report.usage;
    expect(total.input_tokens).toBe(100 + 200 * 2 + 300 + 400);
    expect(total.output_tokens).toBe(10 + 20 * 2 + 30 + 40);
    expect(total.cost_usd).toBeCloseTo(0.01 + 0.02 * 2 + 0.03, 6);
    expect(total.calls).toBe(5);
    expect(by_phase.PLAN).toMatchObject({ input_tokens: 100, output_tokens: 10, calls: 1 });
    expect(by_phase.IMPLEMENT).toMatchObject({ input_tokens: 400, output_tokens: 40, calls: 2 });
    expect(by_phase.REVIEW).toMatchObject({ input_tokens: 700, output_tokens: 70, calls: 2 });
  });

  it('redacts secrets from everything it writes under .runr/', async () => {
    const secrets = { MY_API_KEY: 'sk-abcdefghijklmnopqrstuv', DB_PASSWORD: 'plain-hunter2-value-77' };
    const check = `import fs from 'node:fs';
console.log('key=' + process.env.MY_API_KEY + ' pw=' + process.env.DB_PASSWORD);
process.exit(fs.existsSync('src/fixed.js') ? 0 : 1);
`;
    const repo = repoWith(
      {
        PLAN: [{ print_env: ['MY_API_KEY', 'DB_PASSWORD'], result: plan('add a') }],
        IMPLEMENT: [
          { print_env: ['MY_API_KEY', 'DB_PASSWORD'], write: { 'src/a.js': 'a\n' }, result: { status: 'ok', summary: `used ${secrets.MY_API_KEY}` } },
          { print_env: ['MY_API_KEY'], write: { 'src/fixed.js': 'f\n' }, result: ok() },
        ],
        REVIEW: [{ print_env: ['DB_PASSWORD'], result: approve() }],
      },
      {},
      { 'check.js': check },
    );
    const run = await runToEnd(repo, [], secrets);
    expect(run.status.stop_reason).toBe('complete');
    // The secrets really went through: the agent printed them, and the implementer's fix prompt carried the check's output.
    expect(promptsOf(repo, 'IMPLEMENT')[1]).toContain('key=');
    const written = filesUnder(path.join(repo.dir, '.runr'), ['worktrees']);
    expect(written.some((f) => f.includes(`${path.sep}logs${path.sep}`))).toBe(true);
    let redactions = 0;
    for (const file of written) {
      const text = fs.readFileSync(file, 'utf8');
      for (const value of Object.values(secrets)) expect(text.includes(value), `${value} in ${file}`).toBe(false);
      redactions += text.split('[REDACTED]').length - 1;
    }
    expect(redactions).toBeGreaterThanOrEqual(4);
  });
  it('redacts a secret that straddles two output chunks of a worker', async () => {
    const secret = 'sk-straddle0123456789abcdef';
    const repo = repoWith({
      PLAN: [{ stdout: `${'x'.repeat(65_536 - 11)} ${secret}\n`, result: plan('add a') }],
      IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
      REVIEW: [{ result: approve() }],
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    for (const file of filesUnder(path.join(repo.dir, '.runr'), ['worktrees'])) {
      expect(fs.readFileSync(file, 'utf8').includes(secret), file).toBe(false);
    }
  });

  const CONFIG_TOKEN = 'cfg-token-value-0123456789';
  const configSecretRepo = () => {
    const worker = { type: 'command', command: ['node', AGENT], env: { TEST_SERVICE_TOKEN: CONFIG_TOKEN } };
    return repoWith(
      {
        PLAN: [{ print_env: ['TEST_SERVICE_TOKEN'], result: plan('add a') }],
        IMPLEMENT: [{ print_env: ['TEST_SERVICE_TOKEN'], write: { 'src/a.js': 'a\n' }, result: { status: 'ok', summary: `token ${CONFIG_TOKEN}` } }],
        REVIEW: [{ result: approve() }],
      },
      { workers: { planner: worker, implementer: worker, reviewer: worker } },
    );
  };
  const leaksOf = (repo: TestRepo, runId: string, keep: (text: string) => string = (t) => t) =>
    filesUnder(path.join(repo.dir, '.runr'), ['worktrees'])
      .filter((f) => !f.endsWith('runr.config.json'))
      .filter((f) => keep(fs.readFileSync(f, 'utf8')).includes(CONFIG_TOKEN))
      .map((f) => path.relative(repo.runDir(runId), f));

  it('redacts, in worker logs and results, a secret given to the worker through the config env', async () => {
    const repo = configSecretRepo();
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    expect(agentFile(repo, 'prompt-002-IMPLEMENT.txt')).toBeTruthy();
    // The copy of the config itself (run_started, state.json) is the subject of the next test.
    const withoutConfigCopy = (text: string) => text.replace(/"TEST_SERVICE_TOKEN":\s*"[^"]*"/g, '');
    expect(leaksOf(repo, run.runId, withoutConfigCopy)).toEqual([]);
    const implResult = repo.events(run.runId).find((e) => e.type === 'effect_result' && e.result.kind === 'worker' && e.result.result?.status === 'ok');
    expect(implResult?.result.result.summary).toBe('token [REDACTED]');
    const logs = path.join(repo.runDir(run.runId), 'logs');
    expect(fs.readdirSync(logs).map((f) => fs.readFileSync(path.join(logs, f), 'utf8')).join('')).toContain('TEST_SERVICE_TOKEN=[REDACTED]');
  });

  // KNOWN BUG (outside this suite's src areas): the config, worker env included, is journaled verbatim in
  // run_started and state.json, so a secret in workers.<role>.env lands in .runr/runs/<id>/.
  it('does not copy secrets from the config env into the journal or state.json', async () => {
    const repo = configSecretRepo();
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    expect(leaksOf(repo, run.runId)).toEqual([]);
  });
});
