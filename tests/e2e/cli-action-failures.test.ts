// Failures a real worker CLI reports about the agent's own actions reach the next attempt and the
// report (issue 9): a Codex file change that could not be written (Codex exits 0 all the same) left
// the milestone empty, and the next attempt is told both.
import { describe, expect, it } from 'vitest';
import { runrModel } from '../fakes/runr-model.js';
import { runToEnd } from '../helpers/e2e-support.js';
import { closedAfterEach, expectNotesCheckpointed, fakeClaude, fakeCodex, fakeGemini, notesRepo, workerLogs, writeWorkers } from '../helpers/real-clis.js';

const servers = closedAfterEach();

/** A patch Codex accepts but cannot write: a new file inside README.md, which is a file. */
const UNWRITABLE_PATCH = '*** Begin Patch\n*** Add File: README.md/notes.txt\n+ok milestone 1\n*** End Patch\n';

describe('codex (real Codex CLI, fake OpenAI Responses API)', () => {
  it('a failed file_change: the milestone is not checkpointed empty; the next attempt and report --json name the failure', async () => {
    const repo = notesRepo();
    const model = runrModel({
      goals: ['write the first note'],
      inject: (r) => (r.phase === 'IMPLEMENT' && r.seen === 0
        ? { kind: 'answer', text: 'Writing the note.', tools: [{ kind: 'patch', patch: UNWRITABLE_PATCH }] }
        : undefined),
    });
    const claude = await fakeClaude(repo, model);
    const codex = await fakeCodex(repo, model);
    servers.push(claude.server, codex.server);
    writeWorkers(repo, { planner: claude.worker, implementer: codex.worker, reviewer: claude.worker });

    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    // Attempt 1 changed nothing: no verification, no review, no commit for it; attempt 2's note is the checkpoint.
    expectNotesCheckpointed(repo, run.runId, 1);
    expect(model.requests.filter((r) => r.phase === 'REVIEW')).toHaveLength(1);

    const failure = 'file change failed: add README.md/notes.txt';
    const journaled = repo.events(run.runId).filter((e) => e.type === 'effect_result' && e.result.kind === 'worker' && e.result.action_failures);
    expect(journaled.map((e) => e.result.action_failures)).toEqual([[failure]]);

    // The second attempt (in the same Codex session) is told what failed and that no file changed.
    const second = model.requests.filter((r) => r.phase === 'IMPLEMENT' && r.conversation.toolOutputs.length === 0)[1]!;
    expect(second.conversation.lastUserText).toContain('# Your previous attempt changed no file');
    expect(second.conversation.lastUserText).toContain('Files expected for this milestone: notes/m1.txt');
    expect(second.conversation.lastUserText).toContain(`- ${failure}`);
    const implementLogs = workerLogs(repo, run.runId).filter((l) => l.includes('IMPLEMENT worker'));
    expect(implementLogs[0]).toContain(`failed actions`);
    expect(implementLogs[1]).toContain(`- ${failure}`);

    expect(run.report.milestone_list[0]).toMatchObject({ empty: false, action_failures: [`attempt 1: ${failure}`] });
  });
});

/** Claude Code refuses the write; Gemini CLI's write tool fails. Both report it, each in its own words. */
const REFUSED_WRITES = [
  {
    cli: 'claude (real Claude Code CLI, fake Anthropic API)', start: fakeClaude, what: 'a tool call it refuses (a write outside the worktree)',
    reported: /^attempt 1: permission denied: Write \/etc\/runr-denied\/notes\.txt/, prompted: '- permission denied: Write /etc/runr-denied/notes.txt',
  },
  {
    cli: 'gemini (real Gemini CLI, fake Gemini API)', start: fakeGemini, what: 'a tool call that failed (a write outside the workspace)',
    reported: /^attempt 1: write_file \/etc\/runr-denied\/notes\.txt failed: /, prompted: '- write_file /etc/runr-denied/notes.txt failed: ',
  },
];

for (const { cli, start, what, reported, prompted } of REFUSED_WRITES) {
  describe(cli, () => {
    it(`${what} reaches the next attempt and the report`, async () => {
      const repo = notesRepo();
      const model = runrModel({
        goals: ['write the first note'],
        inject: (r) => (r.phase === 'IMPLEMENT' && r.seen === 0
          ? { kind: 'answer', text: 'Writing the note.', tools: [{ kind: 'write_file', path: '/etc/runr-denied/notes.txt', content: 'x\n' }] }
          : undefined),
      });
      const worker = await start(repo, model);
      servers.push(worker.server);
      writeWorkers(repo, { planner: worker.worker, implementer: worker.worker, reviewer: worker.worker });

      const run = await runToEnd(repo);
      expect(run.exitCode, run.stderr).toBe(0);
      expectNotesCheckpointed(repo, run.runId, 1);
      const [failures] = run.report.milestone_list.map((m) => m.action_failures);
      expect(failures).toHaveLength(1);
      expect(failures![0]).toMatch(reported);
      const second = model.requests.filter((r) => r.phase === 'IMPLEMENT' && r.conversation.toolOutputs.length === 0)[1]!;
      expect(second.conversation.lastUserText).toContain(prompted);
    });
  });
}
