import path from 'node:path';
import type { SandboxMode } from '../contracts/sandbox.js';
import { startRun } from '../engine/start-run.js';
import { defaultConfigPath } from '../store/paths.js';
import { positiveNumber, TIME_FLAG_MAX, resolveRepo } from './context.js';
import { createOutput } from './render/output.js';
import { execute } from './execute.js';
import { startWarnings } from '../engine/session-warnings.js';

interface RunFlags {
  repo: string; task: string; worktree?: boolean; fast?: boolean; allowDeps?: boolean; allowDirty?: boolean;
  time?: string; maxTicks?: string; budgetUsd?: string; detach?: boolean; config?: string; json?: boolean; sandbox?: SandboxMode;
}

export default async function run(flags: RunFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const repoRoot = await resolveRepo(flags.repo);
  const started = await startRun({
    repoRoot,
    taskFile: path.resolve(flags.task),
    configPath: flags.config ? path.resolve(flags.config) : defaultConfigPath(repoRoot),
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
  if (out.json) out.data({ run_id: started.runId, run_dir: started.runDir, repo_root: repoRoot, status: 'started' });
  else out.say(out.colors.bold(`Started run ${started.runId}`) + out.colors.dim(` (branch ${started.store.state.branch}, ${started.store.state.options.worktree ? `worktree ${started.store.state.work_dir}` : 'in the repository'})`));
  for (const warning of startWarnings(started.store.state)) out.note(out.colors.yellow(`Warning: ${warning}`));
  return execute(out, started.store, started.leaseToken, Boolean(flags.detach));
}
