import { buildStatus } from '../engine/status.js';
import { usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { listRunIds } from '../store/list-runs.js';
import { runDirOf } from '../store/paths.js';
import { loadState } from '../engine/load-state.js';
import { liveness } from '../store/lease.js';
import { resolveRepo, resolveRunArg } from './context.js';
import { requireRunState } from './run-state.js';
import { renderStatus } from './render/human.js';
import { createOutput } from './render/output.js';

interface StatusFlags { repo: string; all?: boolean; human?: boolean; json?: boolean }

async function statusOf(runDir: string, runId: string) {
  return buildStatus(await requireRunState(runDir, runId), liveness(runDir));
}

export default async function status(runIdArg: string | undefined, flags: StatusFlags): Promise<number> {
  const human = Boolean(flags.human) && !flags.json;
  const out = createOutput(!human);
  if (flags.all) {
    const repoRoot = await resolveRepo(flags.repo);
    const runs = [];
    const errors = [];
    for (const id of listRunIds(repoRoot)) {
      try {
        const state = await loadState(runDirOf(repoRoot, id));
        if (state) runs.push(buildStatus(state, liveness(runDirOf(repoRoot, id))));
      } catch (err) {
        errors.push({ run_id: id, message: err instanceof Error ? err.message : String(err) });
      }
    }
    for (const e of errors) out.note(`Warning: run ${e.run_id} could not be read: ${e.message}`);
    if (!human) out.data({ runs, errors });
    else if (!runs.length) out.say('No runs yet. Start one with: runr run --task <file> --worktree');
    else for (const s of runs) out.say(`${s.run_id}  ${(s.stop_reason ?? (s.stale ? 'stale' : s.phase)).padEnd(32)} ${s.milestones.filter((m) => m.status === 'complete').length}/${s.milestones.length}  ${s.task}`);
    return EXIT.ok;
  }
  if (!runIdArg) throw usageError('missing_run_id', 'status needs a run id, "latest", or --all');
  const { runDir, runId } = await resolveRunArg(flags.repo, runIdArg);
  const s = await statusOf(runDir, runId);
  if (human) renderStatus(out, s);
  else out.data(s);
  return EXIT.ok;
}
