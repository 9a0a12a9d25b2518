import { buildReport } from '../engine/report.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { followRun } from '../engine/follow-run.js';
import { liveness } from '../store/lease.js';
import { listRunIds } from '../store/list-runs.js';
import { loadState } from '../engine/load-state.js';
import { runDirOf } from '../store/paths.js';
import { isTerminal } from '../engine/describe.js';
import { resolveRepo, resolveRunArg } from './context.js';
import { stopSummary } from './render/human.js';
import { createOutput } from './render/output.js';
import { progressPrinter } from './render/progress.js';
import { requireRunState } from '../engine/run-state.js';
import { runrCommand } from '../contracts/next-step.js';

interface FollowFlags { repo: string; json?: boolean }

/** `runr follow [<run_id>]`: the run's progress as it happens, to its end. Exit code: the run's own. */
export default async function follow(runIdArg: string | undefined, flags: FollowFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const { runId, runDir } = runIdArg ? await resolveRunArg(flags.repo, runIdArg) : await newestRunning(flags.repo);
  await requireRunState(runDir, runId);
  const print = progressPrinter(out);
  if (!out.json) out.say(out.colors.bold(`Following run ${runId}`));
  const end = await followRun(runDir, (state, event) => (out.json ? out.data(event) : print(state, event)));
  const state = end.state;
  if (end.end === 'stale') {
    out.note(`Run ${runId} is not being executed by anyone (stale${state ? `, in ${state.phase}` : ''}). Continue it with: ${runrCommand('resume', runId)}`);
    return EXIT.stopped;
  }
  if (state && !out.json) stopSummary(out, buildReport(state, { pid: null, alive: false }, new Date().toISOString()));
  return exitCodeFor(state?.stop_reason);
}

/** Without an id: the newest run that a live process is executing. */
async function newestRunning(repo: string): Promise<{ runId: string; runDir: string }> {
  const repoRoot = await resolveRepo(repo);
  for (const runId of listRunIds(repoRoot)) {
    const runDir = runDirOf(repoRoot, runId);
    const state = await loadState(runDir).catch(() => null);
    if (state && !isTerminal(state) && liveness(runDir).alive) return { runId, runDir };
  }
  throw new RunrError('run_not_found', 'No run is executing now: name one (runr follow <run_id>, or latest); runr status --all lists them', EXIT.notFound);
}
