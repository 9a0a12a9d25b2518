// The default worker configuration (claude plans and reviews, codex implements), run the way a user
// with API keys runs it: the config names no workers, the CLIs are found on PATH, and their
// credentials and settings come from the environment and their own config homes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeTestEnv, prepareClaudeHome, startAnthropicApi } from '../fakes/anthropic-api.js';
import { codexTestEnv, prepareCodexHome, startOpenAiApi } from '../fakes/openai-api.js';
import { runrModel } from '../fakes/runr-model.js';
import { ROOT } from '../helpers/harness.js';
import { runToEnd } from '../helpers/e2e-support.js';
import { closedAfterEach, expectNotesCheckpointed, homeFor, notesRepo } from '../helpers/real-clis.js';

const servers = closedAfterEach();

describe('the default workers', () => {
  it('a config without "workers" runs Claude Code and Codex from PATH and completes a 2-milestone run', async () => {
    const repo = notesRepo();
    repo.writeConfig({ workers: undefined });
    const config = JSON.parse(repo.read('.runr/runr.config.json'));
    expect(config.workers).toBeUndefined();

    const model = runrModel();
    const anthropic = await startAnthropicApi(model);
    const openai = await startOpenAiApi(model);
    servers.push(anthropic, openai);
    const home = homeFor(repo, 'user');
    prepareClaudeHome(home);
    prepareCodexHome(home, openai.url);
    const { TZ: _tz, ...codexEnv } = codexTestEnv(openai.url, home);
    const env = {
      ...claudeTestEnv(anthropic.url, home, { maxRetries: 1 }),
      ...codexEnv,
      PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
      GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com',
    };

    const doctor = await repo.runr(['doctor', '--json'], { env });
    expect(doctor.exitCode, doctor.stdout).toBe(0);

    const run = await runToEnd(repo, [], env);
    expect(run.exitCode, run.stderr).toBe(0);
    expectNotesCheckpointed(repo, run.runId, 2);
    expect(anthropic.requests.filter((r) => r.agentTurn).map((r) => r.conversation?.prompt.slice(0, 20))).toEqual([
      'You are the PLANNER ', 'You are the REVIEWER', 'You are the REVIEWER',
    ]);
    expect(openai.requests.filter((r) => r.agentTurn)).toHaveLength(4);
    expect(run.report.usage.by_phase.IMPLEMENT?.unpriced_calls).toBe(2);
    expect(run.report.usage.by_phase.PLAN?.cost_usd).toBeGreaterThan(0);
  });
});
