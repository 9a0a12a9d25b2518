import { prepareResume } from '../api/runs.js';
import { milestonesCompleted } from '../engine/describe.js';
import { positiveNumber, TIME_FLAG_MAX, resolveRunArg } from './context.js';
import { execute } from './execute.js';
import { withCancellation } from './signals.js';
import { requireRunState } from '../engine/run-state.js';
import { createOutput } from './render/output.js';
import { plural } from './render/plural.js';
import { paint } from './render/symbols.js';

interface ResumeFlags { repo: string; force?: boolean; time?: string; maxTicks?: string; budgetUsd?: string; detach?: boolean; json?: boolean }

export default async function resume(runIdArg: string, flags: ResumeFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json), 'stream');
  const { runId, runDir, repoRoot } = await resolveRunArg(flags.repo, runIdArg);
  await requireRunState(runDir, runId);
  // Listening from the start: resume may first finish a stop's clean-up that was cut short.
  return withCancellation(async (signal) => {
    const { store, leaseToken, warnings, notes } = await prepareResume(repoRoot, runId, {
      signal,
      force: Boolean(flags.force),
      timeMin: positiveNumber('--time', flags.time, false, TIME_FLAG_MAX),
      maxTicks: positiveNumber('--max-ticks', flags.maxTicks, true),
      budgetUsd: positiveNumber('--budget-usd', flags.budgetUsd),
    });
    const { phase, milestones } = store.state;
    if (out.json) out.data({ run_id: runId, run_dir: runDir, repo_root: repoRoot, status: 'resumed' });
    else out.say(out.colors.bold(`Resuming run ${runId}`) + out.colors.dim(` in ${phase}, ${milestonesCompleted(store.state)}/${milestones.length} ${plural(milestones.length, 'milestone')} done`));
    for (const warning of warnings) out.note(paint(out.colors, 'warning', `Warning: ${warning}`));
    for (const note of notes) out.say(paint(out.colors, 'warning', `Note: ${note}`));
    return execute(out, store, leaseToken, Boolean(flags.detach), signal);
  });
}
