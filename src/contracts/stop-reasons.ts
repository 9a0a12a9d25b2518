import { EXIT, type ExitCode } from './exit-codes.js';
import { runrCommand } from './next-step.js';

/**
 * The stop-reason registry (SPEC §5). Every stop reason string lives here and nowhere else;
 * everything a stop says (resumable, next action, suggested command, exit code) is derived from it.
 */
export const NEXT_ACTIONS = [
  'none',
  'resume',
  'fix_config',
  'resolve_scope_violation',
  'resolve_branch_mismatch',
  'inspect_logs',
  'approve',
  'resolve_merge_conflict',
] as const;
export type NextAction = (typeof NEXT_ACTIONS)[number];

interface StopReasonSpec {
  resumable: boolean;
  /** May `watch --auto-resume` resume it (quota_wait: only once retry_at has passed). */
  autoResumable: boolean;
  nextAction: NextAction;
  exitCode: ExitCode;
  explanation: string;
  /** The command (or `# comment`) to run next; `ctx` carries the real ids. */
  suggest: (ctx: SuggestContext) => string;
}

export interface SuggestContext {
  runId: string;
  branch: string;
  baseSha: string;
  configPath: string;
  /** The specific fix the stop named (e.g. which credential to set), when it named one. */
  fix: string | null;
}

const resume = (c: SuggestContext) => runrCommand('resume', c.runId);
const editScope = (c: SuggestContext) =>
  `# Review the scope settings in ${c.configPath} (or split the task), then start a new run`;

export const STOP_REASONS = {
  complete: {
    resumable: false, autoResumable: false, nextAction: 'none', exitCode: EXIT.ok,
    explanation: 'Every milestone was implemented, verified, reviewed and checkpointed.',
    suggest: (c) => `git log --oneline ${c.baseSha.slice(0, 12)}..${c.branch}`,
  },
  verification_failed_max_retries: {
    resumable: true, autoResumable: true, nextAction: 'resume', exitCode: EXIT.stopped,
    explanation: 'Verification kept failing for this milestone after the allowed number of fix attempts.',
    suggest: resume,
  },
  verification_command_missing: {
    resumable: true, autoResumable: false, nextAction: 'fix_config', exitCode: EXIT.usage,
    explanation: 'A verification command names a program that is not installed (or not on PATH); no fix attempt can help.',
    suggest: (c) => `# ${c.fix ?? 'Install the program the verification command names'}, then: ${runrCommand('resume', c.runId)}`,
  },
  stalled_timeout: {
    resumable: true, autoResumable: true, nextAction: 'resume', exitCode: EXIT.stopped,
    explanation: 'A worker produced no output for too long, or ran past its time limit, and was killed.',
    suggest: resume,
  },
  max_ticks_reached: {
    resumable: true, autoResumable: true, nextAction: 'resume', exitCode: EXIT.stopped,
    explanation: 'The run performed the maximum number of steps allowed by --max-ticks.',
    suggest: resume,
  },
  time_budget_exceeded: {
    resumable: true, autoResumable: true, nextAction: 'resume', exitCode: EXIT.stopped,
    explanation: 'The run used up its time budget (--time or limits.time_budget_min).',
    suggest: resume,
  },
  implement_blocked: {
    resumable: true, autoResumable: true, nextAction: 'resume', exitCode: EXIT.stopped,
    explanation: 'The implementer reported that it is blocked or failed on this milestone.',
    suggest: resume,
  },
  worker_failed: {
    resumable: true, autoResumable: true, nextAction: 'inspect_logs', exitCode: EXIT.stopped,
    explanation: 'A worker CLI crashed or printed no usable result.',
    suggest: resume,
  },
  quota_wait: {
    resumable: true, autoResumable: true, nextAction: 'resume', exitCode: EXIT.stopped,
    explanation: 'A worker is rate- or usage-limited; waiting for its reset would overrun the time budget.',
    suggest: resume,
  },
  interrupted: {
    resumable: true, autoResumable: false, nextAction: 'resume', exitCode: EXIT.interrupted,
    explanation: 'The run was interrupted (Ctrl-C or SIGTERM) and its workers ended; nothing verified is lost.',
    suggest: resume,
  },
  disk_full: {
    resumable: true, autoResumable: false, nextAction: 'resume', exitCode: EXIT.stopped,
    explanation: 'runr could not write a file of the run: no space is left on the device (or the disk quota is used up). Free some space, then resume; nothing verified is lost.',
    suggest: resume,
  },
  repeated_failure: {
    resumable: true, autoResumable: false, nextAction: 'inspect_logs', exitCode: EXIT.stopped,
    explanation: 'The same failure came four times in a row, changes of strategy included: retrying again would loop.',
    suggest: (c) => runrCommand('report', c.runId),
  },
  guard_violation: {
    resumable: false, autoResumable: false, nextAction: 'resolve_scope_violation', exitCode: EXIT.stopped,
    explanation: 'A worker changed files outside the allowed scope, or added a secret-shaped string; nothing was committed.',
    suggest: editScope,
  },
  plan_scope_violation: {
    resumable: false, autoResumable: false, nextAction: 'resolve_scope_violation', exitCode: EXIT.stopped,
    explanation: 'The plan expects to change files outside the allowed scope.',
    suggest: editScope,
  },
  ownership_violation: {
    resumable: false, autoResumable: false, nextAction: 'resolve_scope_violation', exitCode: EXIT.stopped,
    explanation: 'A task changed files owned by another task of the orchestration.',
    suggest: editScope,
  },
  parallel_file_collision: {
    resumable: false, autoResumable: false, nextAction: 'resolve_scope_violation', exitCode: EXIT.stopped,
    explanation: 'Two concurrently running tasks would edit the same files.',
    suggest: editScope,
  },
  merge_conflict: {
    resumable: false, autoResumable: false, nextAction: 'resolve_merge_conflict', exitCode: EXIT.stopped,
    explanation: "Merging an orchestration's task branches into its integration branch conflicted, and the conflict was not fixed (conflict fixing was off, or the fix run stopped).",
    suggest: (c) => `# ${c.fix ?? `Merge by hand on ${c.branch} and commit`}, then: runr orchestrate resume ${c.runId}`,
  },
  integration_failed: {
    resumable: false, autoResumable: false, nextAction: 'inspect_logs', exitCode: EXIT.stopped,
    explanation: "The verification tiers failed on an orchestration's integration branch (every task passed on its own branch).",
    suggest: (c) => `# Fix ${c.branch} by hand and commit (runr orchestrate report ${c.runId} shows the failing command), then: runr orchestrate resume ${c.runId}`,
  },
  review_loop_detected: {
    resumable: false, autoResumable: false, nextAction: 'inspect_logs', exitCode: EXIT.stopped,
    explanation: 'The reviewer kept requesting the same changes, or asked for more rounds than allowed.',
    suggest: (c) => runrCommand('report', c.runId),
  },
  awaiting_approval: {
    resumable: false, autoResumable: false, nextAction: 'approve', exitCode: EXIT.stopped,
    explanation: 'The run waits for a person to approve its plan or its next checkpoint (config "approvals").',
    suggest: (c) => runrCommand('approve', c.runId),
  },
  budget_exceeded: {
    resumable: true, autoResumable: false, nextAction: 'fix_config', exitCode: EXIT.stopped,
    explanation: 'The reported worker cost reached the --budget-usd limit.',
    suggest: (c) => runrCommand('resume', c.runId, '--budget-usd', '<higher amount>'),
  },
  plan_rejection: {
    resumable: false, autoResumable: false, nextAction: 'fix_config', exitCode: EXIT.stopped,
    explanation: 'The planner returned no usable plan, even after its follow-ups.',
    suggest: () => '# Make the task file more specific (Goal, Requirements, Success Criteria), then start a new run',
  },
  config_invalid: {
    resumable: false, autoResumable: false, nextAction: 'fix_config', exitCode: EXIT.usage,
    explanation: 'The configuration is invalid for this run.',
    suggest: (c) => `# Fix ${c.configPath} (runr doctor shows what is wrong), then start a new run`,
  },
  worker_missing: {
    resumable: false, autoResumable: false, nextAction: 'fix_config', exitCode: EXIT.usage,
    explanation: 'A configured worker CLI could not be started (not installed, or not supported).',
    suggest: (c) => `# Install the worker CLI or change "workers" in ${c.configPath} (see runr doctor), then start a new run`,
  },
  worker_auth_failed: {
    resumable: true, autoResumable: false, nextAction: 'fix_config', exitCode: EXIT.usage,
    explanation: "A worker CLI's credentials were refused or are missing; retrying cannot help until they are fixed.",
    suggest: (c) => `# ${c.fix ?? "Fix the worker's credentials (runr doctor checks them)"}, then: ${runrCommand('resume', c.runId)}`,
  },
  worker_tampered: {
    resumable: false, autoResumable: false, nextAction: 'inspect_logs', exitCode: EXIT.stopped,
    explanation: "A worker, or its code run by verification, changed what only runr may change (another branch or ref, HEAD, git's config, hooks or info/, runr's own files, or your checkout); nothing was committed.",
    suggest: (c) => `# See what changed in ${runrCommand('report', c.runId)} and put it back; then ${runrCommand('resume', c.runId, '--force')}, or start a new run`,
  },
  branch_mismatch: {
    resumable: false, autoResumable: false, nextAction: 'resolve_branch_mismatch', exitCode: EXIT.stopped,
    explanation: 'The run branch moved under the run: it no longer points at the last checkpoint.',
    suggest: (c) => `# Reset ${c.branch} to its last checkpoint (see ${runrCommand('report', c.runId)}), or start a new run`,
  },
} as const satisfies Record<string, StopReasonSpec>;

export type StopReason = keyof typeof STOP_REASONS;
export const STOP_REASON_NAMES = Object.keys(STOP_REASONS) as [StopReason, ...StopReason[]];

/** Stops the executor records by itself (a `run_stopped` event), from outside the machine's phases. */
export const EXECUTOR_STOPS = ['interrupted', 'disk_full'] as const satisfies readonly StopReason[];
export type ExecutorStop = (typeof EXECUTOR_STOPS)[number];

/** Stops an orchestrator records in a task's run from outside it (its collision gate, policy `fail`). */
export const ORCHESTRATOR_STOPS = ['parallel_file_collision'] as const satisfies readonly StopReason[];
export type OrchestratorStop = (typeof ORCHESTRATOR_STOPS)[number];


/** The exit code for a run that ended with this stop reason; a run with none (nobody executes it) is "stopped". */
export function exitCodeFor(reason: StopReason | null | undefined): ExitCode {
  return reason ? STOP_REASONS[reason].exitCode : EXIT.stopped;
}
