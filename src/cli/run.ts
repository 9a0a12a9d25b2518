import { prepareStart } from '../api/runs.js';
import type { SandboxMode } from '../contracts/sandbox.js';
import { positiveNumber, TIME_FLAG_MAX, resolveRepo } from './context.js';
import { createOutput } from './render/output.js';
import { paint } from './render/symbols.js';
import { withCancellation } from './signals.js';

interface RunFlags {
  repo: string; task: string; worktree?: boolean; fast?: boolean; allowDeps?: boolean; allowDirty?: boolean;
  time?: string; maxTicks?: string; budgetUsd?: string; detach?: boolean; config?: string; json?: boolean; sandbox?: SandboxMode;
}

export default async function run(flags: RunFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json), 'stream');
  const repoRoot = await resolveRepo(flags.repo);
  const { store, leaseToken, warnings } = await prepareStart({
    repo: repoRoot,
    task: flags.task,
    config: flags.config,
    worktree: Boolean(flags.worktree),
    fast: Boolean(flags.fast),
    allowDeps: Boolean(flags.allowDeps),
    allowDirty: Boolean(flags.allowDirty),
    timeMin: positiveNumber('--time', flags.time, false, TIME_FLAG_MAX),
    maxTicks: positiveNumber('--max-ticks', flags.maxTicks, true),
    budgetUsd: positiveNumber('--budget-usd', flags.budgetUsd),
    sandbox: flags.sandbox,
    uniqueIdAcrossMachines: process.env.RUNR_ID_SUFFIX === 'always',
  });
  const { run_id: runId, branch, options, work_dir: workDir } = store.state;
  if (out.json) out.data({ run_id: runId, run_dir: store.runDir, repo_root: repoRoot, status: 'started' });
  else out.say(out.colors.bold(`Started run ${runId}`) + out.colors.dim(` (branch ${branch}, ${options.worktree ? `worktree ${workDir}` : 'in the repository'})`));
  for (const warning of warnings) out.note(paint(out.colors, 'warning', `Warning: ${warning}`));
  // The engine that executes the run loads only now, once run_started is journaled (start-up, issue 12); Ctrl-C is
  // listened for already, so one while it loads stops the run interrupted, as during its execution.
  return withCancellation(async (signal) => {
    const { execute } = await import('./execute.js');
    return execute(out, store, leaseToken, Boolean(flags.detach), signal);
  });
}
