import { z } from 'zod';
import { CLI_WORKER_TYPES } from './config.js';

/** When a dependency counts as met: the dependency completed (default), stopped, or either (clean-up tasks). */
export const DEPENDENCY_WHEN = ['complete', 'stopped', 'always'] as const;
export type DependencyWhen = (typeof DEPENDENCY_WHEN)[number];

const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-" (and start with a letter or digit)');

/** `auth` (a whole track) or `auth/backend` (one task of it); a map adds when it counts as met. */
const DependencySchema = z.union([
  z.string().min(1),
  z.object({ on: z.string().min(1), when: z.enum(DEPENDENCY_WHEN).default('complete') }).strict(),
], { error: `must be a track, a track/task, or { on: <track or track/task>, when: ${DEPENDENCY_WHEN.join(' | ')} }` });

const TrackTaskSchema = z.object({
  path: z.string().min(1),
  /** Default: the file name without `.md`. Unique within its track. */
  id: idSchema.optional(),
  depends_on: z.array(DependencySchema).optional(),
  fast: z.boolean().optional(),
  worker: z.enum(CLI_WORKER_TYPES).optional(),
  allowlist_add: z.array(z.string().min(1)).optional(),
  verification: z.object({
    tier0: z.array(z.string().min(1)).optional(),
    tier1: z.array(z.string().min(1)).optional(),
    tier2: z.array(z.string().min(1)).optional(),
  }).strict().optional(),
}).strict();

const TrackSchema = z.object({
  id: idSchema,
  depends_on: z.array(DependencySchema).optional(),
  tasks: z.array(TrackTaskSchema).min(1, 'a track needs at least one task'),
}).strict();

/** tracks.yaml (SPEC §9) as written by the operator. */
export const TracksFileSchema = z.object({
  tracks: z.array(TrackSchema).min(1, 'at least one track is needed'),
}).strict();
export type TracksFile = z.infer<typeof TracksFileSchema>;
export type TrackTaskEntry = z.infer<typeof TrackTaskSchema>;
