// The real worker CLIs under runr's sandbox, and how it combines with their own permission systems.
// Each implementer writes its note with the CLI's own file tool (which must land and be checkpointed)
// and tries to write into its HOME with a shell command (which must not land). (Not into the checkout:
// the tests' checkouts are under /tmp, which Codex's own workspace-write sandbox lets it write.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { noteFile, runrModel } from '../fakes/runr-model.js';
import { runToEnd } from '../helpers/e2e-support.js';
import type { TestRepo } from '../helpers/harness.js';
import { closedAfterEach, expectNotesCheckpointed, fakeClaude, fakeCodex, fakeGemini, notesRepo, writeWorkers, type CliSetup } from '../helpers/real-clis.js';

const servers = closedAfterEach();

/** A model whose implementer writes its note and, in the same turn, tries a shell write outside the worktree. */
function escapingModel(outside: () => string) {
  return runrModel({
    goals: ['write the first note'],
    inject: (r) => (r.phase === 'IMPLEMENT' && r.conversation.toolOutputs.length === 0
      ? { kind: 'answer', text: 'Writing the note.', tools: [
        { kind: 'write_file', path: noteFile(1), content: 'ok milestone 1\n' },
        { kind: 'shell', command: `echo escaped > ${outside()}` },
      ] }
      : undefined),
  });
}

async function runWith(make: (repo: TestRepo, model: ReturnType<typeof runrModel>) => Promise<CliSetup>, extra: string[] = []) {
  const repo = notesRepo();
  let outside = '';
  const cli = await make(repo, escapingModel(() => outside));
  outside = path.join(cli.home, 'escaped.txt');
  servers.push(cli.server);
  writeWorkers(repo, { planner: cli.worker, implementer: cli.worker, reviewer: cli.worker });
  const run = await runToEnd(repo, extra);
  return { repo, run, outside };
}

describe('Codex: runr\'s sandbox and its own', () => {
  it('under runr\'s sandbox (Codex\'s own off): its file write lands and is checkpointed, the escape does not', async () => {
    const { repo, run, outside } = await runWith(fakeCodex);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.sandbox).toMatchObject({ active: true, workers: { implementer: true } });
    expectNotesCheckpointed(repo, run.runId, 1);
    expect(fs.existsSync(outside)).toBe(false);
  });

  it('without runr\'s sandbox (Codex\'s own workspace-write): its file write lands and is checkpointed, the escape does not', async () => {
    const { repo, run, outside } = await runWith(fakeCodex, ['--sandbox', 'off']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.sandbox).toMatchObject({ mode: 'off', active: false });
    expectNotesCheckpointed(repo, run.runId, 1);
    expect(fs.existsSync(outside)).toBe(false);
  });
});

describe('Claude Code and Gemini CLI under runr\'s sandbox', () => {
  // Their shell tools run unsandboxed by themselves (Claude Code: Bash allowed; Gemini CLI: yolo mode).
  it.each([['claude', fakeClaude], ['gemini', fakeGemini]] as const)('%s: its file write lands and is checkpointed; a shell write outside the worktree does not', async (_name, make) => {
    const { repo, run, outside } = await runWith((r, m) => make(r, m));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.sandbox).toMatchObject({ active: true, workers: { planner: true, implementer: true, reviewer: true } });
    expectNotesCheckpointed(repo, run.runId, 1);
    expect(fs.existsSync(outside)).toBe(false);
  });
});
