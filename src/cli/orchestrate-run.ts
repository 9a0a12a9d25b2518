import { executeInBackground, prepareOrchestration, waitForOrchestration } from '../api/orchestrations.js';
import type { CollisionPolicy } from '../contracts/orchestration.js';
import { EXIT } from '../contracts/exit-codes.js';
import { orchCommand } from '../orchestrate/orch-status.js';
import { readOrchEvents } from '../orchestrate/orch-store.js';
import { positiveNumber, resolveRepo } from './context.js';
import { createOutput } from './render/output.js';
import { orchEventLine } from './render/orch-lines.js';
import { executeInForeground } from './orchestrate-execute.js';
import { marked, meaningOfOrch } from './render/symbols.js';

interface OrchestrateRunFlags {
  repo: string; config: string; worktree?: boolean; fast?: boolean; maxParallel?: string; collisionPolicy?: CollisionPolicy;
  fixConflicts?: boolean; new?: boolean; json?: boolean; detach?: boolean;
}

export default async function orchestrateRun(flags: OrchestrateRunFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json), 'stream');
  const repoRoot = await resolveRepo(flags.repo);
  const started = await prepareOrchestration({
    repoRoot,
    tracksFile: flags.config,
    maxParallel: positiveNumber('--max-parallel', flags.maxParallel, true, [64, 'tasks']),
    collisionPolicy: flags.collisionPolicy,
    fast: Boolean(flags.fast),
    fixConflicts: flags.fixConflicts !== false,
    forceNew: Boolean(flags.new),
  });
  if (started.kind === 'active') {
    if (out.json) out.data({ orchestration_id: started.orchId, orch_dir: started.orchDir, status: 'active' });
    out.say(`An orchestration of this tracks file is under way: ${started.orchId} (nothing new started; --new starts another).`);
    if (flags.detach) return EXIT.ok;
    const { output, exitCode } = await waitForOrchestration(repoRoot, started.orchId);
    if (out.json) out.data(output);
    else out.say(marked(out.colors, meaningOfOrch(output), `Orchestration ${output.orchestration_id}: ${output.status}${output.stop_reason ? ` (${output.stop_reason})` : ''}. Details: ${orchCommand('report', output.orchestration_id)}`));
    return exitCode;
  }
  const { store } = started.prepared;
  const orchId = store.state.orch_id;
  if (out.json) out.data({ orchestration_id: orchId, orch_dir: store.dir, status: 'started' });
  if (flags.detach) {
    const pid = executeInBackground(started.prepared);
    out.say(`Started orchestration ${orchId} in the background (pid ${pid}). Follow it with: ${orchCommand('follow', orchId)}`);
    return EXIT.ok;
  }
  out.say(orchEventLine(out, readOrchEvents(store.dir)[0]!)!);
  return executeInForeground(out, started.prepared);
}
