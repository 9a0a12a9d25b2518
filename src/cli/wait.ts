import type { WaitOutput } from '../contracts/outputs.js';
import { milestonesCompleted } from '../engine/describe.js';
import { EXIT } from '../contracts/exit-codes.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { waitForTerminal } from '../engine/wait-run.js';
import { positiveNumber, resolveRunArg, SECONDS_FLAG_MAX } from './context.js';
import { createOutput } from './render/output.js';
import { requireRunState } from '../engine/run-state.js';
import { plural } from './render/plural.js';
import { runrCommand } from '../contracts/next-step.js';

interface WaitFlags { repo: string; for: string; timeout?: string; json?: boolean }

/** Exit code: the run's own (0 complete, 1 stopped), 124 on --timeout, 1 when nobody is executing the run. */
export default async function wait(runIdArg: string, flags: WaitFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const { runDir, runId } = await resolveRunArg(flags.repo, runIdArg);
  const timeout = positiveNumber('--timeout', flags.timeout, false, SECONDS_FLAG_MAX);
  await requireRunState(runDir, runId);
  const end = await waitForTerminal(runDir, timeout === undefined ? null : timeout * 1000);
  const state = end.state;
  const result: WaitOutput = {
    run_id: runId,
    phase: state?.phase ?? 'PLAN',
    stop_reason: state?.stop_reason ?? null,
    milestones_completed: state ? milestonesCompleted(state) : 0,
  };
  if (end.end === 'timeout') result.timed_out = true;
  if (end.end === 'stale') result.stale = true;
  if (out.json) out.data(result);
  else if (end.end === 'timeout') out.say(`Still running after ${timeout} s: run ${runId} is in ${result.phase}.`);
  else if (end.end === 'stale') out.say(`Run ${runId} is not being executed by anyone (stale, in ${result.phase}). Continue it with: ${runrCommand('resume', runId)}`);
  else out.say(`Run ${runId} ${result.stop_reason === 'complete' ? 'is complete' : `stopped: ${result.stop_reason}`} (${result.milestones_completed} ${plural(result.milestones_completed, 'milestone')} checkpointed). Details: ${runrCommand('report', runId)}`);
  if (end.end === 'timeout') return EXIT.timedOut;
  return end.end === 'stale' ? EXIT.stopped : exitCodeFor(result.stop_reason);
}
