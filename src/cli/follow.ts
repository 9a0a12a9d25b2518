import { followRun } from '../api/follow.js';
import { runrCommand } from '../contracts/next-step.js';
import { stopSummary } from './render/human.js';
import { createOutput } from './render/output.js';
import { progressOptionsFromEnv, progressPrinter } from './render/progress.js';

interface FollowFlags { repo: string; json?: boolean }

/** `runr follow [<run_id>]`: the run's progress as it happens, to its end (the library's followRun). Exit code: the run's own. */
export default async function follow(runIdArg: string | undefined, flags: FollowFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json), 'stream');
  const following = await followRun(flags.repo, runIdArg);
  const print = progressPrinter(out, progressOptionsFromEnv());
  if (!out.json) out.say(out.colors.bold(`Following run ${following.id}`));
  for await (const { state, event } of following.events()) {
    if (out.json) out.data(event);
    else print(state, event);
  }
  const { end, state, report, exitCode } = await following.result;
  if (end === 'stale') {
    out.note(`Run ${following.id} is not being executed by anyone (stale${state ? `, in ${state.phase}` : ''}). Continue it with: ${runrCommand('resume', following.id)}`);
  } else if (report && !out.json) {
    stopSummary(out, report);
  }
  return exitCode;
}
