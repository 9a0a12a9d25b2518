// The `codex` and `gemini` worker types against the real Codex and Gemini CLIs, each pointed at its
// fake API, in runs where claude plans and reviews.
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/model.js';
import { runrModel } from '../fakes/runr-model.js';
import { TestRepo } from '../helpers/harness.js';
import { runToEnd } from '../helpers/e2e-support.js';
import { expectNotesCheckpointed, fakeClaude, fakeCodex, fakeGemini, NOTES_CHECK, writeWorkers } from '../helpers/real-clis.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('codex worker (real Codex CLI, fake OpenAI Responses API)', () => {
  it('implements both milestones of a run that claude plans and reviews; tokens are counted, cost is priced from config', async () => {
    const repo = new TestRepo({ files: { 'check.js': NOTES_CHECK } });
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
  });

  it('leaves the cost unknown, and says so (also when --budget-usd cannot count it), when no price is configured', async () => {
    const repo = new TestRepo({ files: { 'check.js': NOTES_CHECK } });
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
    const repo = new TestRepo({ files: { 'check.js': NOTES_CHECK } });
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
  });
});
