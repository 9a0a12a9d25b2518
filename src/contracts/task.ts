import { z } from 'zod';
import { CLI_WORKER_TYPES } from './config.js';

/** Optional YAML front matter of a task file (SPEC §1). */
export const TaskFrontMatterSchema = z.object({
  allowlist_add: z.array(z.string()).optional(),
  depends_on: z.array(z.string()).optional(),
  worker: z.enum(CLI_WORKER_TYPES).optional(),
  fast: z.boolean().optional(),
}).strict();

/** A parsed task file. */
export const TaskSchema = z.object({
  title: z.string(),
  goal: z.string(),
  requirements: z.string(),
  success_criteria: z.string(),
  notes: z.string(),
  front_matter: TaskFrontMatterSchema,
  /** The whole file as the operator wrote it, front matter removed. */
  body: z.string(),
});
export type Task = z.infer<typeof TaskSchema>;

/** How much of the title and the goal a run's state keeps; the whole text stays in the run's task.md. */
export const TASK_TITLE_KEPT = 500;
export const TASK_GOAL_KEPT = 2_000;

/**
 * The task as a run's journal and state carry it: what status, reports and commit messages need,
 * not the text. The text is in the run's task.md (secrets redacted), checked against `sha256`
 * whenever a prompt is built from it, so that a large task is not rewritten with every event.
 */
export const RunTaskSchema = z.object({
  title: z.string(),
  /** The Goal section, cut at TASK_GOAL_KEPT characters (a --fast run's one milestone). */
  goal: z.string(),
  front_matter: TaskFrontMatterSchema,
  /** Size and SHA-256 of the run's task.md; absent in runs that carried the whole text (below). */
  bytes: z.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
  /** Runs started by an older runr carried the whole task in every event and state; they still replay. */
  requirements: z.string().optional(),
  success_criteria: z.string().optional(),
  notes: z.string().optional(),
  body: z.string().optional(),
});
export type RunTask = z.infer<typeof RunTaskSchema>;
