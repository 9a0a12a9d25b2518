// The `claude` worker type against the real Claude Code CLI, pointed at the fake Anthropic API.
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/model.js';
import { runrModel } from '../fakes/runr-model.js';
import { TestRepo } from '../helpers/harness.js';
import { runToEnd } from '../helpers/e2e-support.js';
import { CLAUDE_PRICE, expectNotesCheckpointed, fakeClaude, NOTES_CHECK, workerLogs, writeWorkers } from '../helpers/real-clis.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function repoWithNotes() {
  return new TestRepo({ files: { 'check.js': NOTES_CHECK } });
}

describe('claude worker (real Claude Code CLI, fake API)', () => {
  it('completes a 2-milestone run with claude in every phase; usage and cost match what the API reported', async () => {
    const repo = repoWithNotes();
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
  });
});
