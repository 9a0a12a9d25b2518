import { waitForRun } from '../api/wait.js';
import { positiveNumber, SECONDS_FLAG_MAX } from './context.js';
import { createOutput } from './render/output.js';
import { plural } from './render/plural.js';
import { marked, meaningOfState } from './render/symbols.js';
import { runrCommand } from '../contracts/next-step.js';

interface WaitFlags { repo: string; for: string; timeout?: string; json?: boolean }

/** Exit code: the run's own (0 complete, 1 stopped), 124 on --timeout, 1 when nobody is executing the run. */
export default async function wait(runIdArg: string, flags: WaitFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const timeout = positiveNumber('--timeout', flags.timeout, false, SECONDS_FLAG_MAX);
  const { end, output: result, exitCode } = await waitForRun(flags.repo, runIdArg, { timeoutMs: timeout === undefined ? undefined : timeout * 1000 });
  const runId = result.run_id;
  const c = out.colors;
  if (out.json) out.data(result);
  else if (end === 'timeout') out.say(marked(c, 'running', `Still running after ${timeout} s: run ${runId} is in ${result.phase}.`));
  else if (end === 'stale') out.say(marked(c, 'warning', `Run ${runId} is not being executed by anyone (stale, in ${result.phase}). Continue it with: ${runrCommand('resume', runId)}`));
  else out.say(marked(c, meaningOfState(result), `Run ${runId} ${result.stop_reason === 'complete' ? 'is complete' : `stopped: ${result.stop_reason}`} (${result.milestones_completed} ${plural(result.milestones_completed, 'milestone')} checkpointed). Details: ${runrCommand('report', runId)}`));
  return exitCode;
}
