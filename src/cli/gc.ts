import { collectGarbage } from '../api/gc.js';
import { usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { createOutput } from './render/output.js';
import { paint } from './render/symbols.js';

interface GcFlags { repo: string; olderThan?: string; dryRun?: boolean; json?: boolean }

export default async function gc(flags: GcFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const days = flags.olderThan === undefined ? 7 : Number(flags.olderThan);
  if (!Number.isFinite(days) || days < 0) throw usageError('invalid_option', `--older-than must be a number of days (0 or more), got "${flags.olderThan}"`);
  const result = await collectGarbage(flags.repo, { olderThanDays: days, dryRun: Boolean(flags.dryRun) });
  if (out.json) {
    out.data(result);
    return EXIT.ok;
  }
  const verb = result.dry_run ? 'would remove' : 'removed';
  for (const r of result.removed) {
    const parts = [r.worktree_removed ? 'worktree' : null, 'run directory', r.branch_deleted ? 'branch' : null].filter(Boolean).join(', ');
    out.say(`${verb} ${r.run_id}: ${parts}${r.branch_kept ? paint(out.colors, 'warning', ` (kept ${r.branch_kept}: it has checkpoints no other branch holds)`) : ''}`);
  }
  for (const k of result.kept) out.say(out.colors.dim(`kept ${k.run_id}: ${k.reason}`));
  if (!result.removed.length) out.say(`Nothing to remove (runs finished more than ${days} days ago, with nothing uncommitted).`);
  return EXIT.ok;
}
