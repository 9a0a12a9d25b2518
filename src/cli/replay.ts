import { replayRunUntil } from '../api/replay.js';
import { EXIT } from '../contracts/exit-codes.js';
import { renderStateAt, replayLine } from './render/replay-lines.js';
import { createOutput } from './render/output.js';

interface ReplayFlags { repo: string; at?: string; json?: boolean }

/** `runr replay <run_id> [--at …]`: every journal event with the state it produced; with --at, up to it and the whole state there. */
export default async function replay(runIdArg: string, flags: ReplayFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const r = await replayRunUntil(flags.repo, runIdArg, { at: flags.at });
  for (const step of r.steps) {
    if (out.json) out.data(step);
    else out.say(replayLine(step));
  }
  if (r.at !== null && r.state) {
    if (out.json) out.data({ at: r.at, state: r.state });
    else renderStateAt(out, r.at, r.state);
  }
  return EXIT.ok;
}
