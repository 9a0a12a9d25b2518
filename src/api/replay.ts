import { RunrError, usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import type { ReplayStep } from '../contracts/replay.js';
import type { RunState } from '../contracts/state.js';
import { describeChoices, parseAt, replaySteps, selectAt, type ReplayedStep } from '../engine/replay-steps.js';
import { upgradeJournal } from '../store/journal-format.js';
import { readJournal } from '../store/journal.js';
import { locateState } from '../store/run-location.js';
import { resolveRunArg } from './locate.js';

export interface ReplayOptions {
  /** A seq number, a phase (PLAN…CHECKPOINT, STOPPED) or a milestone (`m2`): replay up to the first event it names. */
  at?: string | number;
}

/** A replay cut where `at` said: its steps, and the whole state after the last one (null for an empty journal). */
export interface ReplayUntil {
  runId: string;
  steps: ReplayStep[];
  state: RunState | null;
  /** The seq `at` selected; null without `at`. */
  at: number | null;
}

/** Every event of a run's journal with the state it produced, up to what `at` selects (`runr replay --json`). */
export async function replayRun(repo: string, runId: string, opts: ReplayOptions = {}): Promise<ReplayStep[]> {
  return (await replayRunUntil(repo, runId, opts)).steps;
}

/** `replayRun` with the whole state after the last step returned (`runr replay --at`). */
export async function replayRunUntil(repo: string, runId: string, opts: ReplayOptions = {}): Promise<ReplayUntil> {
  const found = await resolveRunArg(repo, runId);
  const replayed = replayJournal(found.runDir, found.runId);
  let cut = replayed;
  let at: number | null = null;
  if (opts.at !== undefined) {
    const wanted = parseAt(String(opts.at));
    const steps = replayed.map((r) => r.step);
    const index = wanted ? selectAt(steps, wanted) : -1;
    if (index < 0) {
      const what = wanted ? 'matches no event' : 'is not a seq number, a phase or a milestone (m1, m2…)';
      throw usageError('replay_at_not_found', `--at ${String(opts.at)} ${what} of run ${found.runId}: it has ${describeChoices(steps)}`);
    }
    cut = replayed.slice(0, index + 1);
    at = cut.at(-1)!.step.seq;
  }
  const last = cut.at(-1)?.state ?? null;
  return { runId: found.runId, steps: cut.map((r) => r.step), state: last && locateState(last, found.runDir), at };
}

function replayJournal(runDir: string, runId: string): ReplayedStep[] {
  const { events } = readJournal(runDir);
  if (!events.length) throw new RunrError('run_not_found', `Run not found: ${runId} has no journal (it never started)`, EXIT.notFound);
  try {
    return replaySteps(upgradeJournal(events));
  } catch (err) {
    throw new RunrError('run_unreadable', `Run ${runId} cannot be read: ${err instanceof Error ? err.message : String(err)}`, EXIT.notFound);
  }
}
