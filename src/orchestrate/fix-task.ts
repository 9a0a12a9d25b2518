import fs from 'node:fs';
import path from 'node:path';
import type { RunState } from '../contracts/state.js';
import { STOP_REASONS } from '../contracts/stop-reasons.js';
import { resumeTaskSession, startTaskSession, type TaskSession } from './task-sessions.js';
import { supervise, type SuperviseHooks } from '../engine/supervisor.js';
import type { EnginePorts } from '../engine/ports/ports.js';
import { realPorts } from '../engine/ports/real-ports.js';
import { isTerminal } from '../engine/describe.js';
import { loadState } from '../engine/load-state.js';
import { waitForTerminal } from '../engine/wait-run.js';
import { runBranchOf } from '../git/run-branch.js';
import { liveness } from '../store/lease.js';
import { ORCH_FILES, runDirOf } from '../store/paths.js';
import { writeTextAtomic } from '../store/atomic.js';
import type { IntegrationWorkspace } from './integration.js';
import type { OrchStore } from './orch-store.js';
import { writeDerivedConfig } from './task-files.js';

/**
 * The conflict-fix run of the integration's current conflict, to its end: a normal run (PLAN … CHECKPOINT)
 * from runr's commit of the conflicted merge, whose scope is the conflicting files and whose verification
 * must pass. One already started (before a crash) is waited for or resumed, never started twice.
 * Null when the orchestrator stopped meanwhile.
 */
export async function runFixTask(
  store: OrchStore, orchDir: string, ws: IntegrationWorkspace, signal: AbortSignal, hooks?: SuperviseHooks, ports?: Partial<EnginePorts>,
): Promise<RunState | null> {
  const conflict = store.state.integration.conflict!;
  const repoRoot = store.state.repo_root;
  let run: TaskSession;
  if (conflict.fix_run_id) {
    const runDir = runDirOf(repoRoot, conflict.fix_run_id);
    const state = await loadState(runDir);
    const resumable = state?.stop_reason && state.stop_reason !== 'complete' && STOP_REASONS[state.stop_reason].resumable;
    if (state && isTerminal(state) && !liveness(runDir).alive && !resumable) return state;
    if (liveness(runDir).alive) {
      const end = await waitForTerminal(runDir, null, signal).catch(() => null);
      return end?.end === 'terminal' ? end.state : null;
    }
    run = await resumeTaskSession(repoRoot, conflict.fix_run_id);
  } else {
    const name = `integration/fix-${conflict.conflict_base.slice(0, 12)}`;
    const task = path.join(orchDir, ORCH_FILES.tasks, `${name.replace('/', '--')}.md`);
    fs.mkdirSync(path.dirname(task), { recursive: true });
    writeTextAtomic(task, fixTaskText(ws, conflict.key, runBranchOf(conflict.run_id), conflict.files));
    const config = writeDerivedConfig(orchDir, name, store.state.config_path, (raw) => ({ ...raw, scope: { ...(raw.scope ?? {}), allowlist: conflict.files } }));
    run = await startTaskSession({ repoRoot, taskFile: task, configPath: config, baseRef: conflict.conflict_base });
    store.append({ type: 'integration_fix_started', ts: new Date().toISOString(), key: conflict.key, run_id: run.store.state.run_id });
  }
  const final = await supervise(run.store, { leaseToken: run.leaseToken, signal, hooks, ports: ports && { ...realPorts(), ...ports } });
  return signal.aborted ? null : final;
}

function fixTaskText(ws: IntegrationWorkspace, key: string, theirs: string, files: string[]): string {
  const list = files.map((f) => `- ${f}`).join('\n');
  return `# Resolve the merge conflicts of ${key} in ${ws.branch}

## Goal
Merging ${theirs} (task ${key}) into the orchestration's integration branch ${ws.branch} conflicted. This worktree holds
that merge: every file below contains git conflict markers (<<<<<<<, |||||||, =======, >>>>>>>). Resolve each file so
that it keeps what both sides meant, with no conflict markers left.

## Requirements
Resolve exactly these files (no other file may change):
${list}

## Success Criteria
- No conflict markers remain in these files.
- Verification passes on the merged result.
`;
}
