import { allRunStatuses, runStatus } from '../api/read.js';
import { usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { createOutput } from './render/output.js';
import { mark, meaningOfState } from './render/symbols.js';

interface StatusFlags { repo: string; all?: boolean; human?: boolean; json?: boolean }

export default async function status(runIdArg: string | undefined, flags: StatusFlags): Promise<number> {
  const human = Boolean(flags.human) && !flags.json;
  const out = createOutput(!human);
  if (flags.all) {
    const { runs, errors } = await allRunStatuses(flags.repo);
    for (const e of errors) out.note(`Warning: run ${e.run_id} could not be read: ${e.message}`);
    if (!human) out.data({ runs, errors });
    else if (!runs.length) out.say('No runs yet. Start one with: runr run --task <file> --worktree');
    else for (const s of runs) out.say(`${mark(out.colors, meaningOfState(s))} ${s.run_id}  ${(s.stop_reason ?? (s.stale ? 'stale' : s.phase)).padEnd(32)} ${s.milestones.filter((m) => m.status === 'complete').length}/${s.milestones.length}  ${s.task}`);
    return EXIT.ok;
  }
  if (!runIdArg) throw usageError('missing_run_id', 'status needs a run id, "latest", or --all');
  const s = await runStatus(flags.repo, runIdArg);
  if (human) (await import('./render/human.js')).renderStatus(out, s);
  else out.data(s);
  return EXIT.ok;
}
