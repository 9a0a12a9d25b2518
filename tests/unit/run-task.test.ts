import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEventSchema } from '../../src/contracts/events.js';
import { buildPrompt } from '../../src/engine/prompts/build.js';
import { replay } from '../../src/engine/machine.js';
import { parseTask } from '../../src/task/parse.js';
import { runTaskBody, runTaskOf, taskFileProblem } from '../../src/task/run-task.js';
import { runInit } from './machine-fixtures.js';

const TEXT = '---\nfast: true\n---\n# Title\n\n## Goal\nDo it.\n\n## Requirements\n- all of it\n';

function runDirWith(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-task-'));
  fs.writeFileSync(path.join(dir, 'task.md'), text);
  return dir;
}

describe('the task in a run', () => {
  it('keeps title, goal, front matter, size and hash in the state; the text comes from task.md', () => {
    const task = runTaskOf(parseTask(TEXT, 'task.md'), TEXT);
    expect(task).toEqual({ title: 'Title', goal: 'Do it.', front_matter: { fast: true }, bytes: TEXT.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const dir = runDirWith(TEXT);
    expect(runTaskBody(dir, task)).toBe('# Title\n\n## Goal\nDo it.\n\n## Requirements\n- all of it');
    expect(taskFileProblem(dir, task)).toBeNull();
    fs.appendFileSync(path.join(dir, 'task.md'), 'more\n');
    expect(taskFileProblem(dir, task)).toMatch(/task\.md was changed after the run started/);
    expect(() => runTaskBody(dir, task)).toThrow(/was changed after the run started/);
  });

  it('cuts a long goal, saying where the rest is', () => {
    const goal = 'g'.repeat(5_000);
    const task = runTaskOf(parseTask(`# T\n\n## Goal\n${goal}\n`, 'x.md'), 'x');
    expect(task.goal).toMatch(/^g{2000} … \(3000 more characters in task\.md\)$/);
  });

  it('replays a journal written when the state carried the whole task, and builds its prompts from it', () => {
    const old = runInit(); // its task has requirements, success_criteria, notes and body, as older runs journaled
    const event = RunEventSchema.parse({ seq: 1, ts: '2026-01-02T03:04:05.000Z', type: 'run_started', run: old });
    const state = replay([event])!;
    expect(state.task.body).toBe('# Task');
    expect(runTaskBody('/nonexistent', state.task)).toBe('# Task');
    const effect = state.queue.pending.find((e) => e.kind === 'worker')!;
    expect(buildPrompt(state, effect as never)).toContain('# Task');
  });
});
