import fs from 'node:fs';
import path from 'node:path';
import { WORKER_ROLES, type Config, type WorkerConfig, type WorkerRole } from '../contracts/config.js';
import { RunInitSchema, type RunInit, type RunOptions } from '../contracts/state.js';
import type { SandboxMode } from '../contracts/sandbox.js';
import type { Task } from '../contracts/task.js';
import { redact, secretValues } from '../util/secrets.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { configForJournal } from '../config/stored-config.js';
import { commitOf, currentBranch, excludeRunrDir, headSha } from '../git/repo.js';
import { acquireLease } from '../store/lease.js';
import { RUN_FILES, runsDir, worktreePathOf } from '../store/paths.js';
import { allocateRunDir } from '../store/run-id.js';
import { portableRunInit } from '../store/run-location.js';
import { claimRunBranch, runBranchOf } from '../git/run-branch.js';
import { RunStore } from './run-store.js';
import { parseTask, TaskError } from '../task/parse.js';
import { runTaskOf } from '../task/run-task.js';
import { dirtyPaths, dirtyTreeError } from './dirty-tree.js';
import { RunrError, usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { recordRunConfig } from './integrity/run-config.js';
import { sessionSandbox } from './sandbox-session.js';
import { JOURNAL_FORMAT } from '../store/journal-format.js';
import { allInOrder } from '../util/all-in-order.js';

export interface StartRunInput {
  repoRoot: string;
  taskFile: string;
  configPath: string;
  worktree: boolean;
  fast: boolean;
  allowDeps: boolean;
  allowDirty: boolean;
  timeMin?: number;
  maxTicks?: number;
  budgetUsd?: number;
  /** `--sandbox`: the run's sandbox mode, over the config's. */
  sandbox?: SandboxMode;
  /** The run id always gets its random suffix: several machines share a remote or a queue (RUNR_ID_SUFFIX=always). */
  uniqueIdAcrossMachines?: boolean;
  /** A branch or commit to start from instead of HEAD (worktree runs only: a run in the repository itself starts where you are). */
  baseRef?: string;
}

export interface StartedRun {
  store: RunStore;
  runId: string;
  runDir: string;
  leaseToken: string;
}

export function readConfig(configPath: string): Config {
  try {
    return loadConfig(configPath);
  } catch (err) {
    if (err instanceof ConfigError) throw usageError('config_invalid', err.message);
    throw err;
  }
}

/**
 * The secrets runr knows of when a run starts: the secret-looking variables of its own environment
 * and of every configured worker's `env`.
 */
function knownSecrets(config: Config): string[] {
  const workerEnvs = Object.values(config.workers).map((w) => secretValues(w?.env ?? {}));
  return [...new Set([...secretValues(process.env), ...workerEnvs.flat()])].sort((a, b) => b.length - a.length);
}

/**
 * The task file, redacted as it is read: a secret in a task is an operator's mistake, and neither the
 * run's files nor the workers get it (docs/security.md).
 */
function readTask(file: string, secrets: string[]): { task: Task; text: string } {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw usageError('task_not_found', `Task file not found: ${file}`);
  }
  const text = redact(raw, secrets);
  try {
    return { task: parseTask(text, file), text };
  } catch (err) {
    if (err instanceof TaskError) throw usageError('task_invalid', err.message);
    throw err;
  }
}

/** A task's front matter may name the worker type for all of its roles (keeping the config's settings for it). */
function applyTaskWorker(config: Config, task: Task): Config {
  const type = task.front_matter.worker;
  if (!type) return config;
  const pick = (role: WorkerRole): WorkerConfig => {
    const configured = config.workers[role];
    return configured?.type === type ? configured : { type } as WorkerConfig;
  };
  return { ...config, workers: Object.fromEntries(WORKER_ROLES.map((role) => [role, pick(role)])) };
}

/** The commit the run's branch starts at: HEAD, or the base ref a worktree run was given. */
async function baseOf(input: StartRunInput): Promise<string> {
  if (input.baseRef === undefined) {
    const head = await headSha(input.repoRoot);
    if (!head) throw usageError('no_commits', `${input.repoRoot} has no commits yet: commit something first (runr works on a branch from HEAD)`);
    return head;
  }
  if (!input.worktree) throw usageError('base_ref_needs_worktree', `a base ref (${input.baseRef}) needs a worktree run: a run in the repository itself starts from HEAD`);
  const sha = await commitOf(input.repoRoot, input.baseRef);
  if (!sha) throw usageError('base_ref_not_found', `${input.baseRef} is not a branch or commit of ${input.repoRoot}`);
  return sha;
}

/** Validates everything, creates the run directory, takes the lease and journals `run_started`. */
export async function startRun(input: StartRunInput): Promise<StartedRun> {
  const config = readConfig(input.configPath);
  const { task, text: taskText } = readTask(input.taskFile, knownSecrets(config));
  // The sandbox probe (a throw-away bwrap) and git's answer are independent: asked at once, the run journals its start
  // sooner (issue 12). A refused sandbox is still the error reported first, and nothing is created before both answered.
  const [sandbox, base] = await allInOrder([sessionSandbox(applyTaskWorker(config, task), input.sandbox), baseOf(input)] as const);
  await excludeRunrDir(input.repoRoot);

  let preexisting: string[] = [];
  if (!input.worktree) {
    const dirty = await dirtyPaths(input.repoRoot);
    if (dirty.length && !input.allowDirty) throw dirtyTreeError(dirty, 'commit or stash your changes, use --worktree, or pass --allow-dirty');
    preexisting = dirty;
  }

  // The id is claimed twice, atomically: its directory here, then its branch (shared by every worktree of the repository).
  const { runId, runDir } = await allocateRunDir(runsDir(input.repoRoot), {
    alwaysSuffix: input.uniqueIdAcrossMachines,
    claimElsewhere: (id) => claimRunBranch(input.repoRoot, id, base),
  });
  const lease = acquireLease(runDir);
  if (!lease.ok) throw new RunrError('locked', `run ${runId} is locked by pid ${lease.holder.pid}`, EXIT.locked);
  fs.mkdirSync(path.join(runDir, RUN_FILES.logs), { recursive: true });
  // The text the prompts are built from; the state keeps only its title, goal, front matter and hash.
  fs.writeFileSync(path.join(runDir, RUN_FILES.task), taskText);

  const options: RunOptions = {
    worktree: input.worktree,
    fast: input.fast || task.front_matter.fast === true,
    allow_deps: input.allowDeps,
    allow_dirty: input.allowDirty,
    time_budget_min: input.timeMin ?? config.limits.time_budget_min,
    max_ticks: input.maxTicks ?? null,
    budget_usd: input.budgetUsd ?? null,
    ...(input.sandbox ? { sandbox: input.sandbox } : {}),
  };
  const branch = runBranchOf(runId);
  // The journal keeps paths inside the repository relative to it: the run directory is relocatable.
  const run: RunInit = portableRunInit({
    run_id: runId,
    repo_root: input.repoRoot,
    run_dir: runDir,
    task_file: input.taskFile,
    task: runTaskOf(task, taskText),
    config: configForJournal(applyTaskWorker(config, task)),
    config_path: input.configPath,
    options,
    branch,
    base_branch: input.worktree ? null : await currentBranch(input.repoRoot),
    base_sha: base,
    work_dir: input.worktree ? worktreePathOf(input.repoRoot, runId) : input.repoRoot,
    preexisting_dirty: preexisting,
  });
  // Recorded before the journal: a run never exists without the record its resumes are checked against.
  await recordRunConfig(input.repoRoot, RunInitSchema.parse(run));
  const store = RunStore.open(runDir);
  store.append({ type: 'run_started', ts: new Date().toISOString(), format: JOURNAL_FORMAT, run, sandbox });
  return { store, runId, runDir, leaseToken: lease.lease.token };
}
