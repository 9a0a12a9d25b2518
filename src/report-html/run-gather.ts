import { DEFAULT_WORKERS, WORKER_ROLES, type WorkerRole } from '../contracts/config.js';
import type { RunState } from '../contracts/state.js';
import type { Liveness } from '../engine/describe.js';
import { buildReport } from '../engine/report.js';
import { replaySteps } from '../engine/replay-steps.js';
import { rawOrNull } from '../git/git.js';
import { upgradeJournal } from '../store/journal-format.js';
import { readJournal } from '../store/journal.js';
import { approvalDecisions } from './approvals.js';
import { approvalWaits, modelOfEvents, type CheckpointDiff, type RunHtmlData } from './run-model.js';

/** The diffs of all checkpoints together are cut at about this many characters. */
export const DIFF_BUDGET = 200_000;

/** `git show --stat --patch` of each milestone's own checkpoint commit, within DIFF_BUDGET in total. */
export async function checkpointDiffs(repoRoot: string, milestones: RunState['milestones'], budget = DIFF_BUDGET): Promise<CheckpointDiff[]> {
  const out: CheckpointDiff[] = [];
  let left = budget;
  for (const m of milestones) {
    if (!m.checkpoint_sha || m.empty) continue;
    const shown = await rawOrNull(repoRoot, ['show', '--stat', '--patch', '--no-color', '--no-ext-diff', m.checkpoint_sha]);
    const text = shown ?? '(the commit is gone: its branch was deleted and collected)';
    const truncated = text.length > left;
    out.push({ milestone: m.id, goal: m.goal, sha: m.checkpoint_sha, text: truncated ? `${text.slice(0, Math.max(0, left))}\n…` : text, truncated });
    left = Math.max(0, left - text.length);
  }
  return out;
}

/** Everything the run page shows, from the run's state, journal and checkpoints (not yet redacted). */
export async function gatherRunHtml(state: RunState, live: Liveness): Promise<RunHtmlData> {
  const report = buildReport(state, live, new Date().toISOString());
  const events = upgradeJournal(readJournal(state.run_dir).events);
  const replayed = replaySteps(events).map((r) => r.step);
  const ids = state.milestones.map((m) => m.id);
  const model = modelOfEvents(events, ids);
  const waits = [...model.waits, ...approvalWaits(replayed)].sort((a, b) => a.since.localeCompare(b.since));
  return {
    report, ...model, waits, diffs: await checkpointDiffs(state.repo_root, state.milestones), replay: replayed,
    approvalGates: [...state.config.approvals], approvals: approvalDecisions(events, replayed, ids), workers: workerTypes(state),
  };
}

/** The worker type of each role in a run (its config's, else the default). */
export function workerTypes(state: RunState): Record<WorkerRole, string> {
  return Object.fromEntries(WORKER_ROLES.map((role) => [role, (state.config.workers[role] ?? DEFAULT_WORKERS[role]).type])) as Record<WorkerRole, string>;
}
