import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TASK_GOAL_KEPT, TASK_TITLE_KEPT, type RunTask, type Task } from '../contracts/task.js';
import { parseTask, TaskError } from './parse.js';

/** The run directory's copy of the task (kept here so that task/ needs nothing from store/). */
const TASK_FILE = 'task.md';

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} … (${text.length - max} more characters in task.md)`;
}

export function sha256Of(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What a run's state keeps of its task (`text` is the run's task.md as written). */
export function runTaskOf(task: Task, text: string): RunTask {
  return {
    title: cut(task.title, TASK_TITLE_KEPT),
    goal: cut(task.goal, TASK_GOAL_KEPT),
    front_matter: task.front_matter,
    bytes: Buffer.byteLength(text),
    sha256: sha256Of(text),
  };
}

function readChecked(runDir: string, task: RunTask): { text: string } | { problem: string } {
  const file = path.join(runDir, TASK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { problem: `${file} is missing` };
  }
  return sha256Of(text) === task.sha256 ? { text } : { problem: `${file} was changed after the run started` };
}

/** Why the run's task.md is no longer the one the run started with; null when it is (or the run carries its text). */
export function taskFileProblem(runDir: string, task: RunTask): string | null {
  if (task.body !== undefined || !task.sha256) return null;
  const read = readChecked(runDir, task);
  return 'problem' in read ? read.problem : null;
}

/** The task's text for a prompt: from the run's task.md, checked against the hash the run started with. */
export function runTaskBody(runDir: string, task: RunTask): string {
  if (task.body !== undefined || !task.sha256) return task.body ?? task.goal;
  const read = readChecked(runDir, task);
  if ('problem' in read) throw new TaskError(`${read.problem}: the run's prompts are built from it, so the run cannot go on (start a new run)`);
  return parseTask(read.text, TASK_FILE).body;
}
