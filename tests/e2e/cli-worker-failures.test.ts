// Failures real worker CLIs produce, injected by the fake model APIs: quota pressure, refused
// credentials, a CLI that goes silent, and one that lingers after its result.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { usageLimitReply as claudeUsageLimit } from '../fakes/anthropic-api.js';
import { geminiQuotaErrorBody } from '../fakes/gemini-api.js';
import type { Model, Reply } from '../fakes/model.js';
import { usageLimitReply as codexUsageLimit } from '../fakes/openai-api.js';
import { runrModel, type RunrRequest } from '../fakes/runr-model.js';
import { ROOT, type TestRepo } from '../helpers/harness.js';
import { runToEnd } from '../helpers/e2e-support.js';
import { closedAfterEach, CLI_BIN, fakeClaude, fakeCodex, fakeGemini, processesIn, workerLogs, writeWorkers, type CliSetup, notesRepo } from '../helpers/real-clis.js';

const servers = closedAfterEach();

type Fake = (repo: TestRepo, model: Model) => Promise<CliSetup>;
const FAKES: Record<'claude' | 'codex' | 'gemini', Fake> = { claude: fakeClaude, codex: fakeCodex, gemini: fakeGemini };

/** A repo whose every role is one CLI worker on a fake API whose model `inject`s failures. */
async function setup(cli: keyof typeof FAKES, inject: (r: RunrRequest) => Reply | undefined, limits: Record<string, number> = {}) {
  const repo = notesRepo();
  const model = runrModel({ goals: ['write the first note'], inject });
  const fake = await FAKES[cli](repo, model);
  servers.push(fake.server);
  writeWorkers(repo, { planner: fake.worker, implementer: fake.worker, reviewer: fake.worker }, limits);
  return { repo, model, fake };
}

const workerResults = (repo: TestRepo, runId: string) =>
  repo.events(runId).filter((e) => e.type === 'effect_result' && e.result.kind === 'worker').map((e) => e.result);

describe('quota pressure', () => {
  it('claude: a 429 with retry-after parks the run in quota_wait, then the same call is repeated and the run completes', async () => {
    const { repo, model } = await setup('claude', (r) =>
      r.phase === 'PLAN' && r.seen < 2 ? { kind: 'http_error', status: 429, headers: { 'retry-after': '2' } } : undefined);
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    const [limited] = workerResults(repo, run.runId);
    expect(limited).toMatchObject({ outcome: 'rate_limited' });
    expect(limited.retry_after_s).toBeGreaterThanOrEqual(2);
    // Parked for retry-after from when the limit was seen (the rate-limited result), whatever runr did in between.
    const events = repo.events(run.runId);
    const seen = events.find((e) => e.type === 'effect_result' && e.result.kind === 'worker' && e.result.outcome === 'rate_limited');
    const wait = events.find((e) => e.type === 'effect_started' && e.effect.kind === 'wait_until');
    expect(Date.parse(wait.effect.until) - Date.parse(seen.ts)).toBeGreaterThanOrEqual(2000);
    expect(model.requests.filter((r) => r.phase === 'PLAN')).toHaveLength(3);
  });

  it('claude: a usage limit stops with quota_wait when its reset comes after the time budget; retry_at is the reset time', async () => {
    const resetsAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 3 * 3600_000);
    const repo = notesRepo();
    const fake = await fakeClaude(repo, runrModel({ inject: () => claudeUsageLimit(resetsAt) }), { auth: 'oauth' });
    servers.push(fake.server);
    writeWorkers(repo, { planner: fake.worker, implementer: fake.worker, reviewer: fake.worker });
    const run = await runToEnd(repo, ['--time', '60']);
    expect(run.exitCode).toBe(1);
    expect(run.status).toMatchObject({ stop_reason: 'quota_wait', retry_at: resetsAt.toISOString(), next_action: 'resume' });
    expect(run.status.suggested_command).toBe(`runr resume ${run.runId}`);
    expect(run.status.stop_detail).toContain("You've hit your 5-hour limit");
  });

  it('gemini: a quota error waits the retry delay the API named (RetryInfo), then completes', async () => {
    const { repo } = await setup('gemini', (r) => r.phase === 'PLAN' && r.seen === 0
      ? { kind: 'http_error', status: 429, body: geminiQuotaErrorBody({ scope: 'minute', retryDelaySeconds: 3 }) }
      : undefined);
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    const [limited] = workerResults(repo, run.runId);
    expect(limited).toMatchObject({ outcome: 'rate_limited' });
    expect(limited.retry_after_s).toBeGreaterThanOrEqual(3);
  });

  it('codex: a usage limit takes its retry_at from the reset time Codex prints (to the minute)', async () => {
    const { repo } = await setup('codex', () => codexUsageLimit(2 * 3600));
    const before = Date.now();
    const run = await runToEnd(repo, ['--time', '60']);
    expect(run.status.stop_reason).toBe('quota_wait');
    const retryAt = Date.parse(run.status.retry_at!);
    expect(Math.abs(retryAt - (before + 2 * 3600_000))).toBeLessThan(120_000);
  });
});

describe('refused credentials', () => {
  it.each([
    ['claude', 'ANTHROPIC_API_KEY', 'claude'],
    // The fake's Codex config selects a custom model provider, whose key is in its own env_key variable.
    ['codex', 'RUNR_FAKE_OPENAI_KEY', 'codex login'],
    ['gemini', 'GEMINI_API_KEY', 'gemini'],
  ] as const)('%s: a 401 stops at once with worker_auth_failed, naming %s and the login step', async (cli, envVar, login) => {
    const { repo, model } = await setup(cli, () => ({ kind: 'http_error', status: 401 }));
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(2);
    expect(run.status).toMatchObject({ stop_reason: 'worker_auth_failed', next_action: 'fix_config' });
    expect(run.status.suggested_command).toMatch(new RegExp(`^# Set ${envVar}.*${login}.*then: runr resume ${run.runId}$`));
    expect(model.requests.length).toBeLessThanOrEqual(2);
    const human = await repo.runr(['status', run.runId, '--human']);
    expect(human.stdout).toContain(envVar);
  });
});

describe('missing credentials', () => {
  it('claude with no key and no login stops with worker_auth_failed before any API call', async () => {
    const repo = notesRepo();
    const model = runrModel();
    const fake = await fakeClaude(repo, model);
    servers.push(fake.server);
    const noKey = { ...fake.worker, env: { ...(fake.worker.env as Record<string, string>), ANTHROPIC_API_KEY: '' } };
    writeWorkers(repo, { planner: noKey, implementer: noKey, reviewer: noKey });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('worker_auth_failed');
    expect(run.status.stop_detail).toContain('Not logged in');
    expect(run.status.suggested_command).toContain('ANTHROPIC_API_KEY');
    expect(model.requests).toEqual([]);
  });
});

describe('hangs', () => {
  it('claude: a CLI that prints nothing for stall_timeout_s is stopped with its whole process tree (stalled_timeout)', async () => {
    // The implementer starts a long command through Claude Code's Bash tool, which runs it in a process group of its own.
    const { repo } = await setup('claude', (r) => r.phase === 'IMPLEMENT' && r.conversation.toolOutputs.length === 0
      ? { kind: 'answer', tools: [{ kind: 'shell', command: 'node -e "setInterval(() => {}, 1000)"' }] }
      : undefined, { stall_timeout_s: 4 });
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status).toMatchObject({ stop_reason: 'stalled_timeout', next_action: 'resume' });
    expect(processesIn(run.status.worktree_path)).toEqual([]);
  });

  it('codex: a model API that never answers ends in stalled_timeout, with nothing left running', async () => {
    const { repo } = await setup('codex', (r) => (r.phase === 'IMPLEMENT' ? { kind: 'silence' } : undefined), { stall_timeout_s: 3 });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('stalled_timeout');
    expect(run.status.stop_detail).toMatch(/no output for 3 s/);
    expect(processesIn(run.status.worktree_path)).toEqual([]);
  });

  it('claude: a CLI that printed its result but does not exit is ended after the grace period, and its result stands', async () => {
    const repo = notesRepo();
    const fake = await fakeClaude(repo, runrModel({ goals: ['write the first note'] }));
    servers.push(fake.server);
    const lingering = {
      ...fake.worker,
      bin: path.join(ROOT, 'tests', 'agents', 'linger-after-cli.sh'),
      env: { ...(fake.worker.env as Record<string, string>), RUNR_TEST_REAL_CLI: CLI_BIN('claude') },
    };
    writeWorkers(repo, { planner: fake.worker, implementer: lingering, reviewer: fake.worker }, { result_grace_s: 1 });
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(workerLogs(repo, run.runId).some((log) => /## end: grace/.test(log))).toBe(true);
    expect(processesIn(run.status.worktree_path)).toEqual([]);
  });
});
