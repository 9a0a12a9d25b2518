import { z } from 'zod';
import { CLI_WORKER_TYPES } from './config.js';

/** Optional YAML front matter of a task file (SPEC §1). */
export const TaskFrontMatterSchema = z.object({
  allowlist_add: z.array(z.string()).optional(),
  depends_on: z.array(z.string()).optional(),
  worker: z.enum(CLI_WORKER_TYPES).optional(),
  fast: z.boolean().optional(),
}).strict();

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
