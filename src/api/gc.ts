import type { GcOutput } from '../contracts/outputs.js';
import { usageError } from '../contracts/errors.js';
import { collectGarbage as collectRunGarbage } from '../engine/gc.js';
import { resolveRepo } from './locate.js';

/**
 * Removes the worktrees and run directories of runs finished at least `olderThanDays` ago (default 7), and their
 * branches when every checkpoint is merged somewhere (`runr gc --json`); `dryRun` only says what it would remove.
 */
export async function collectGarbage(repo: string, opts: { olderThanDays?: number; dryRun?: boolean } = {}): Promise<GcOutput> {
  const days = opts.olderThanDays ?? 7;
  if (!Number.isFinite(days) || days < 0) throw usageError('invalid_option', `olderThanDays must be a number of days (0 or more), got ${days}`);
  return collectRunGarbage({ repoRoot: await resolveRepo(repo), olderThanDays: days, dryRun: opts.dryRun ?? false });
}
