import { prepareResume } from '../api/runs.js';
import { resolveRunArg } from './context.js';
import { execute } from './execute.js';
import { withCancellation } from './signals.js';
import { requireRunState } from '../engine/run-state.js';
import { createOutput } from './render/output.js';
import { paint } from './render/symbols.js';

export interface ApprovalFlags { repo: string; reason?: string; detach?: boolean; json?: boolean }

/** `runr approve` / `runr reject`: continue a run that waits at an approval gate, in the foreground or detached. */
export async function decide(verdict: 'approve' | 'reject', runIdArg: string, flags: ApprovalFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json), 'stream');
  const { runId, runDir, repoRoot } = await resolveRunArg(flags.repo, runIdArg);
  const approval = verdict === 'approve' ? { verdict } : { verdict, reason: flags.reason ?? '' };
  const before = await requireRunState(runDir, runId);
  // Listening from the start: resuming may first finish a stop's clean-up that was cut short.
  return withCancellation(async (signal) => {
    const { store, leaseToken, warnings } = await prepareResume(repoRoot, runId, { signal }, approval);
    const what = before?.approval_gate === 'plan' ? 'plan' : 'checkpoint';
    if (out.json) out.data({ run_id: runId, run_dir: runDir, repo_root: repoRoot, status: verdict === 'approve' ? 'approved' : 'rejected' });
    else out.say(out.colors.bold(verdict === 'approve' ? `Approved the ${what} of run ${runId}; continuing` : `Rejected the ${what} of run ${runId}; sending the reason back`));
    for (const warning of warnings) out.note(paint(out.colors, 'warning', `Warning: ${warning}`));
    return execute(out, store, leaseToken, Boolean(flags.detach), signal);
  });
}
