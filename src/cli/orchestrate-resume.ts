import { executeInBackground, prepareOrchestrationResume } from '../api/orchestrations.js';
import { EXIT } from '../contracts/exit-codes.js';
import { orchCommand } from '../orchestrate/orch-status.js';
import { resolveRepo } from './context.js';
import { createOutput } from './render/output.js';
import { executeInForeground } from './orchestrate-execute.js';

interface ResumeFlags { repo: string; json?: boolean; detach?: boolean }

export default async function orchestrateResume(idArg: string, flags: ResumeFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json), 'stream');
  const prepared = prepareOrchestrationResume(await resolveRepo(flags.repo), idArg);
  const { store } = prepared;
  const orchId = store.state.orch_id;
  if (out.json) out.data({ orchestration_id: orchId, orch_dir: store.dir, status: 'resumed' });
  if (flags.detach) {
    const pid = executeInBackground(prepared);
    out.say(`Resumed orchestration ${orchId} in the background (pid ${pid}). Follow it with: ${orchCommand('follow', orchId)}`);
    return EXIT.ok;
  }
  out.say(out.colors.bold(`Resuming orchestration ${orchId}`));
  return executeInForeground(out, prepared);
}
