import path from 'node:path';
import type { SandboxMode } from '../contracts/sandbox.js';
import { startRun } from '../engine/start-run.js';
import { defaultConfigPath } from '../store/paths.js';
import { positiveNumber, TIME_FLAG_MAX, resolveRepo } from './context.js';
import { createOutput } from './render/output.js';
import { execute } from './execute.js';
import { unpricedRoles } from '../workers/index.js';
import { warnUnconfined } from './render/sandbox-note.js';

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
  warnUnconfined(out, started.store.state.sandbox);
  const v = started.store.state.config.verification;
  if (!v.tier0.length && !v.tier1.length && !v.tier2.length) {
    out.note(out.colors.yellow('Warning: no verification commands are configured; milestones will be checkpointed unverified. Set "verification" in the config.'));
  }
  const unpriced = started.store.state.options.budget_usd !== null ? unpricedRoles(started.store.state.config) : [];
  if (unpriced.length) {
    out.note(out.colors.yellow(`Warning: --budget-usd counts only known costs, and ${unpriced.join(', ')} reports no cost: set "price" on that worker (docs/workers.md).`));
  }
  return execute(out, started.store, started.leaseToken, Boolean(flags.detach));
}
