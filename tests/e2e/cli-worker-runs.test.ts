// Whole runs with the real worker CLIs (Claude Code, Codex, Gemini CLI), each pointed at its fake API.
import { describe, expect, it } from 'vitest';
import { noteFile, runrModel } from '../fakes/runr-model.js';
import type { TestRepo } from '../helpers/harness.js';
import { runToEnd } from '../helpers/e2e-support.js';
import { closedAfterEach, CLAUDE_PRICE, expectNotesCheckpointed, fakeClaude, fakeCodex, fakeGemini, workerLogs, writeWorkers, notesRepo } from '../helpers/real-clis.js';

const servers = closedAfterEach();

/** The activity journaled for the run's IMPLEMENT calls: the CLI's tool calls (paths relative to the worktree) and tokens. */
function expectImplementActivity(repo: TestRepo, runId: string) {
  const events = repo.events(runId);
  const implementIds = new Set(events.filter((e) => e.type === 'effect_started' && e.effect.phase === 'IMPLEMENT').map((e) => e.effect.id));
  const items: { kind: string; text: string }[] = events.filter((e) => e.type === 'worker_activity' && implementIds.has(e.effect_id)).flatMap((e) => e.items);
  const tools = items.filter((i) => i.kind === 'tool').map((i) => i.text);
  expect(tools.some((t) => t.includes(`cat ${noteFile(1)}`)), tools.join('\n')).toBe(true);
  expect(tools.some((t) => t.includes(noteFile(2))), tools.join('\n')).toBe(true);
  expect(tools.every((t) => !t.includes(repo.dir) && t.length <= 120), tools.join('\n')).toBe(true);
  expect(items.some((i) => i.kind === 'usage' && /^tokens \d/.test(i.text)), JSON.stringify(items)).toBe(true);
}

describe('claude worker (real Claude Code CLI, fake API)', () => {
  it('completes a 2-milestone run with claude in every phase; usage and cost match what the API reported', async () => {
    const repo = notesRepo();
    const model = runrModel({ usage: { input_tokens: 1000, output_tokens: 50 } });
    const cli = await fakeClaude(repo, model);
    servers.push(cli.server);
    writeWorkers(repo, { planner: cli.worker, implementer: cli.worker, reviewer: cli.worker });

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report.outcome).toBe('complete');
    expectNotesCheckpointed(repo, run.runId, 2);

    // PLAN, then per milestone: IMPLEMENT (tool turn + answer turn) and REVIEW.
    expect(model.requests.map((r) => `${r.phase}${r.phase === 'PLAN' ? '' : r.milestone}`)).toEqual(
      ['PLAN', 'IMPLEMENT1', 'IMPLEMENT1', 'REVIEW1', 'IMPLEMENT2', 'IMPLEMENT2', 'REVIEW2']);
    const usage = run.report.usage;
    expect(usage.total.input_tokens).toBe(cli.server.served.input_tokens);
    expect(usage.total.output_tokens).toBe(cli.server.served.output_tokens);
    expect(usage.total.calls).toBe(5);
    expect(usage.total.unpriced_calls).toBe(0);
    const expectedCost = cli.server.served.input_tokens * CLAUDE_PRICE.input + cli.server.served.output_tokens * CLAUDE_PRICE.output;
    expect(usage.total.cost_usd).toBeCloseTo(expectedCost, 9);
    expect(usage.by_phase.IMPLEMENT?.input_tokens).toBe(4000);
    expect(usage.by_milestone.m1?.input_tokens).toBe(3000);
    expect(usage.by_milestone.m2?.calls).toBe(2);

    const status = await repo.runr(['status', run.runId]);
    expect(status.json().usage.total.cost_usd).toBeCloseTo(expectedCost, 9);
    const human = await repo.runr(['report', run.runId]);
    expect(human.stdout).toMatch(/usage: 7000 in \+ 350 out tokens, \$0\.026\d, 5 calls/);

    // Transcripts hold the CLI's events, never the API key.
    const logs = workerLogs(repo, run.runId).join('\n');
    expect(logs).toContain('"type":"result"');
    expect(logs).not.toContain('sk-ant-api03-fake-key');
    expectImplementActivity(repo, run.runId);
  });
});

describe('codex worker (real Codex CLI, fake OpenAI Responses API)', () => {
  it('implements both milestones of a run that claude plans and reviews; tokens are counted, cost is priced from config', async () => {
    const repo = notesRepo();
    const model = runrModel({ usage: { input_tokens: 2000, output_tokens: 100 } });
    const claude = await fakeClaude(repo, model);
    const codex = await fakeCodex(repo, model, { price: { input_per_mtok: 1, output_per_mtok: 10 } });
    servers.push(claude.server, codex.server);
    writeWorkers(repo, { planner: claude.worker, implementer: codex.worker, reviewer: claude.worker });

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expectNotesCheckpointed(repo, run.runId, 2);
    expect(codex.server.requests.filter((r) => r.agentTurn)).toHaveLength(4);
    expect(claude.server.requests.filter((r) => r.agentTurn)).toHaveLength(3);

    const implement = run.report.usage.by_phase.IMPLEMENT!;
    expect(implement.input_tokens).toBe(codex.server.served.input_tokens);
    expect(implement.output_tokens).toBe(codex.server.served.output_tokens);
    expect(implement.cost_usd).toBeCloseTo((8000 * 1 + 400 * 10) / 1e6, 9);
    expect(implement.unpriced_calls).toBe(0);
    expectImplementActivity(repo, run.runId);
  });

  it('leaves the cost unknown, and says so (also when --budget-usd cannot count it), when no price is configured', async () => {
    const repo = notesRepo();
    const model = runrModel({ goals: ['write the first note'] });
    const codex = await fakeCodex(repo, model);
    servers.push(codex.server);
    writeWorkers(repo, { planner: codex.worker, implementer: codex.worker, reviewer: codex.worker });

    const run = await runToEnd(repo, ['--budget-usd', '5']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('--budget-usd counts only known costs, and planner (codex), implementer (codex), reviewer (codex) reports no cost');
    expect(run.report.usage.total).toMatchObject({ calls: 3, unpriced_calls: 3, cost_usd: 0 });
    expect(run.report.usage.total.input_tokens).toBe(codex.server.served.input_tokens);
    const human = await repo.runr(['report', run.runId]);
    expect(human.stdout).toContain('cost unknown');
    expect(human.stdout).toContain('set "price" on that worker');
  });
});

describe('gemini worker (real Gemini CLI, fake Gemini API)', () => {
  it('implements both milestones of a run that claude plans and reviews', async () => {
    const repo = notesRepo();
    const model = runrModel({ usage: { input_tokens: 1500, output_tokens: 60 } });
    const claude = await fakeClaude(repo, model);
    const gemini = await fakeGemini(repo, model);
    servers.push(claude.server, gemini.server);
    writeWorkers(repo, { planner: claude.worker, implementer: gemini.worker, reviewer: claude.worker });

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expectNotesCheckpointed(repo, run.runId, 2);
    const implement = run.report.usage.by_phase.IMPLEMENT!;
    expect(implement.input_tokens).toBe(gemini.server.served.input_tokens);
    expect(implement.output_tokens).toBe(gemini.server.served.output_tokens);
    expect(implement.unpriced_calls).toBe(2);
    expectImplementActivity(repo, run.runId);
  });
});

describe('large prompts', () => {
  it.each([
    ['claude', fakeClaude],
    ['codex', fakeCodex],
    ['gemini', fakeGemini],
  ] as const)('%s receives a 300 KB prompt intact (it goes on stdin, never in an argument)', async (_name, fake) => {
    const filler = Array.from({ length: 6000 }, (_, i) => `- requirement line ${i}: keep "quotes", \\backslashes\\ and ünïcödé intact`).join('\n');
    const task = `# A long task\n\n## Goal\nWrite the first note.\n\n## Requirements\n${filler}\n\nEND-OF-TASK-MARKER\n`;
    expect(task.length).toBeGreaterThan(300_000);
    const repo = notesRepo(task);
    const model = runrModel({ goals: ['write the first note'] });
    const cli = await fake(repo, model);
    servers.push(cli.server);
    writeWorkers(repo, { planner: cli.worker, implementer: cli.worker, reviewer: cli.worker });

    const run = await runToEnd(repo, ['--fast']);
    expect(run.exitCode, run.stderr).toBe(0);
    const prompt = model.requests[0]!.conversation.prompt;
    expect(prompt).toContain(filler);
    expect(prompt).toContain('END-OF-TASK-MARKER');
  });
});
