import path from 'node:path';

/** Where runr keeps things inside a repository (SPEC §2). */
export const RUNR_DIR = '.runr';

export const runrDir = (repoRoot: string) => path.join(repoRoot, RUNR_DIR);
export const runsDir = (repoRoot: string) => path.join(repoRoot, RUNR_DIR, 'runs');
export const runDirOf = (repoRoot: string, runId: string) => path.join(runsDir(repoRoot), runId);
export const defaultConfigPath = (repoRoot: string) => path.join(repoRoot, RUNR_DIR, 'runr.config.json');
export const worktreePathOf = (repoRoot: string, runId: string) => path.join(repoRoot, RUNR_DIR, 'worktrees', runId);

export const RUN_FILES = {
  state: 'state.json',
  journal: 'events.ndjson',
  task: 'task.md',
  planJson: 'plan.json',
  planMd: 'plan.md',
  lease: 'lease.json',
  report: 'report.json',
  /** The run's final artifact, to paste as a pull request's description (engine/summary-file.ts). */
  summary: 'summary.md',
  logs: 'logs',
  children: 'children.json',
  /** New directories a stopped in-place run moved out of the user's tree (nested repositories no ref can hold). */
  keptDirs: 'kept-dirs',
} as const;

/**
 * A run id: the UTC start time `YYYYMMDDHHMMSS`, followed by `-` and a suffix (the start's milliseconds,
 * then five random base-36 characters) when the plain id was taken or ids must be unique across
 * machines (docs/commands.md#run-ids). Ids sort by start time as strings.
 */
export const RUN_ID_PATTERN = /^\d{14}(?:-\d{3}[0-9a-z]{5})?$/;

export const journalPath = (runDir: string) => path.join(runDir, RUN_FILES.journal);

export const orchestrationsDir = (repoRoot: string) => path.join(repoRoot, RUNR_DIR, 'orchestrations');
export const orchDirOf = (repoRoot: string, orchId: string) => path.join(orchestrationsDir(repoRoot), orchId);

/** An orchestration's directory (SPEC §2): a journal, snapshot and lease as a run has, plus what it made for its tasks. */
export const ORCH_FILES = {
  state: 'state.json',
  journal: 'events.ndjson',
  lease: 'lease.json',
  report: 'report.json',
  summary: 'summary.md',
  /** Each task's file as its run gets it: the tracks file's overrides merged into its front matter. */
  tasks: 'tasks',
  /** A config for a task whose verification the tracks file overrides. */
  configs: 'configs',
  /** The integration branch's worktree. */
  integration: 'integration',
  logs: 'logs',
} as const;
