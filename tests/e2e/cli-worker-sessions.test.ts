// Worker sessions and cost budgets with the real Claude Code and Codex CLIs on their fake APIs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../fakes/model.js';
import { noteFile, runrModel, type RunrRequest } from '../fakes/runr-model.js';
import type { TestRepo } from '../helpers/harness.js';
import { reportOf, runToEnd } from '../helpers/e2e-support.js';
import { closedAfterEach, fakeClaude, fakeCodex, fakeGemini, writeWorkers, type CliSetup, notesRepo } from '../helpers/real-clis.js';

const servers = closedAfterEach();

/** The attempt number runr's implementer prompt names (fresh: "Attempt N", continued: "(attempt N)"). */
function attemptOf(r: RunrRequest): number {
  const text = r.conversation.turn === 0 ? r.conversation.prompt : r.conversation.lastUserText;
  return Number(/attempt (\d+)/i.exec(text)?.[1] ?? 0);
}

/**
 * The implementer writes a note check.js rejects (the same mistake) on its first `bad` attempts.
 * Through the shell: Claude Code's Write tool refuses to overwrite a file its session has not read.
 */
function sloppyImplementer(bad: number) {
  return (r: RunrRequest): Reply | undefined => {
    if (r.phase !== 'IMPLEMENT' || r.conversation.toolOutputs.length > 0) return undefined;
    const content = attemptOf(r) <= bad ? 'not quite' : `ok milestone ${r.milestone}`;
    return { kind: 'answer', tools: [{ kind: 'shell', command: `mkdir -p notes && echo '${content}' > ${noteFile(r.milestone)}` }] };
  };
}

const implementerCalls = (repo: TestRepo, runId: string) =>
  repo.events(runId).filter((e) => e.type === 'effect_result' && e.result.kind === 'worker' && e.result.log_path?.includes('implement'));

describe.each([
  ['claude', fakeClaude],
  ['codex', fakeCodex],
  ['gemini', fakeGemini],
] as const)('%s sessions', (_name, fake: (repo: TestRepo, model: ReturnType<typeof runrModel>) => Promise<CliSetup>) => {
  it('a fix after failed verification continues the implementer session; the same failure twice starts a fresh one', async () => {
    const repo = notesRepo();
    const model = runrModel({ goals: ['write the first note'], inject: sloppyImplementer(2) });
    const cli = await fake(repo, model);
    servers.push(cli.server);
    writeWorkers(repo, { planner: cli.worker, implementer: cli.worker, reviewer: cli.worker });

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    const firstRequests = model.requests.filter((r) => r.phase === 'IMPLEMENT' && r.conversation.toolOutputs.length === 0);
    expect(firstRequests.map(attemptOf)).toEqual([1, 2, 3]);
    const [first, second, third] = firstRequests;
    // Attempt 2 continues attempt 1's conversation and is told only what is new.
    expect(first!.conversation.turn).toBe(0);
    expect(second!.conversation.turn).toBeGreaterThan(0);
    expect(second!.conversation.prompt).toBe(first!.conversation.prompt);
    expect(second!.conversation.lastUserText).toMatch(/^runr again, in the same session/);
    expect(second!.conversation.lastUserText).toContain('bad note m1.txt');
    expect(second!.conversation.lastUserText).not.toContain('# The task');
    // The same failure signature twice in a row: attempt 3 changes strategy with a fresh session and the full prompt.
    expect(third!.conversation.turn).toBe(0);
    expect(third!.conversation.prompt).toContain('# The task');
    expect(implementerCalls(repo, run.runId).map((e) => e.result.session)).toEqual(['fresh', 'continued', 'fresh']);
    expect(repo.git('show', `runr/${run.runId}:${noteFile(1)}`)).toBe('ok milestone 1');
  });
});

describe('a session the CLI no longer knows', () => {
  it('claude: the fix attempt falls back to a fresh session with the full prompt', async () => {
    const repo = notesRepo();
    const model = runrModel({ goals: ['write the first note'], inject: sloppyImplementer(1) });
    const cli = await fakeClaude(repo, model);
    servers.push(cli.server);
    writeWorkers(repo, { planner: cli.worker, implementer: cli.worker, reviewer: cli.worker });
    // Verification first wipes Claude Code's stored sessions, so that the fix's --resume finds nothing
    // (verification runs confined: the config lets it write there).
    const config = JSON.parse(repo.read('.runr/runr.config.json'));
    config.verification.tier0 = [`rm -rf ${path.join(cli.home, '.claude', 'projects')}`];
    config.sandbox_writable = [...config.sandbox_writable, path.join(cli.home, '.claude')];
    repo.write('.runr/runr.config.json', JSON.stringify(config));

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    const second = model.requests.filter((r) => r.phase === 'IMPLEMENT' && r.conversation.toolOutputs.length === 0)[1]!;
    expect(second.conversation.turn).toBe(0);
    expect(second.conversation.prompt).toContain('# The task');
    const fix = implementerCalls(repo, run.runId)[1]!;
    expect(fix.result.session).toBe('fresh');
    // The journal names the log relative to the repository (a relocatable run directory).
    expect(fs.readFileSync(path.resolve(repo.dir, fix.result.log_path), 'utf8')).toContain('No conversation found');
  });
});

describe('completion enforcement with a CLI', () => {
  it('claude: an answer without the result JSON gets a follow-up in the same session, which asks only for the result', async () => {
    const repo = notesRepo();
    const model = runrModel({
      goals: ['write the first note'],
      inject: (r) => (r.phase === 'REVIEW' && r.seen === 0 ? { kind: 'answer', text: 'Looks fine to me.' } : undefined),
    });
    const cli = await fakeClaude(repo, model);
    servers.push(cli.server);
    writeWorkers(repo, { planner: cli.worker, implementer: cli.worker, reviewer: cli.worker });

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    const reviews = model.requests.filter((r) => r.phase === 'REVIEW');
    expect(reviews).toHaveLength(2);
    expect(reviews[1]!.conversation.turn).toBe(1);
    expect(reviews[1]!.conversation.lastUserText).toMatch(/^IMPORTANT — follow-up 1 from runr/);
    expect(reviews[1]!.conversation.lastUserText).toContain('{"verdict":"approve"');
    expect(reviews[1]!.conversation.lastUserText).not.toContain('# The change');
  });
});

describe('codex usage across a continued session', () => {
  it('counts each call once although Codex reports usage summed over the thread', async () => {
    const repo = notesRepo();
    const model = runrModel({ goals: ['write the first note'], inject: sloppyImplementer(1), usage: { input_tokens: 1000, output_tokens: 10 } });
    const cli = await fakeCodex(repo, model);
    servers.push(cli.server);
    writeWorkers(repo, { planner: cli.worker, implementer: cli.worker, reviewer: cli.worker });
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report.usage.total.input_tokens).toBe(cli.server.served.input_tokens);
    expect(run.report.usage.total.output_tokens).toBe(cli.server.served.output_tokens);
  });
});

describe('--budget-usd with a worker that reports its cost', () => {
  it('stops before the next call once claude has spent the budget; resume with a higher budget completes', async () => {
    const repo = notesRepo();
    const model = runrModel({ goals: ['write the first note'], usage: { input_tokens: 1000, output_tokens: 100 } });
    const cli = await fakeClaude(repo, model);
    servers.push(cli.server);
    writeWorkers(repo, { planner: cli.worker, implementer: cli.worker, reviewer: cli.worker });

    const run = await runToEnd(repo, ['--budget-usd', '0.002']);
    expect(run.exitCode).toBe(1);
    expect(run.status).toMatchObject({ stop_reason: 'budget_exceeded', next_action: 'fix_config' });
    expect(model.requests.map((r) => r.phase)).toEqual(['PLAN']);
    expect(run.report.usage.total.cost_usd).toBeCloseTo(0.0045, 9);

    const resumed = await repo.runr(['resume', run.runId, '--budget-usd', '1']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect((await reportOf(repo, run.runId)).outcome).toBe('complete');
  });
});
