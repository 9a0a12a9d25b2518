import { detachSupervisor } from '../engine/detach.js';
import { EXIT } from '../contracts/exit-codes.js';
import { buildReport } from '../engine/report.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { supervise } from '../engine/supervisor.js';
import type { RunStore } from '../engine/run-store.js';
import { stopSummary } from './render/human.js';
import type { Output } from './render/output.js';
import { progressOptionsFromEnv, progressPrinter } from './render/progress.js';
import { runrCommand } from '../contracts/next-step.js';
import { withCancellation } from './signals.js';
import { testHooksFromEnv } from './test-hooks.js';

/**
 * Executes a run in the foreground (returning its exit code) or hands it to a background process.
 * Cancelled by `signal` when the command already listens for Ctrl-C; otherwise it listens while the run executes.
 */
export async function execute(out: Output, store: RunStore, leaseToken: string, detach: boolean, signal?: AbortSignal): Promise<number> {
  const state = store.state;
  // Interrupted before it could be handed over: it stops here, interrupted, as any run would.
  if (detach && !signal?.aborted) {
    const pid = detachSupervisor(state.repo_root, state.run_id, store.runDir, leaseToken);
    out.say(`Executing in the background (pid ${pid}). Follow it with: ${runrCommand('wait', state.run_id, '--for', 'terminal', '--json')}`);
    return EXIT.ok;
  }
  const executeWith = (cancel: AbortSignal) => supervise(store, {
    leaseToken,
    signal: cancel,
    onEvent: progressPrinter(out, progressOptionsFromEnv()),
    hooks: testHooksFromEnv(),
  });
  const final = await (signal ? executeWith(signal) : withCancellation(executeWith));
  const report = buildReport(final, { pid: null, alive: false }, new Date().toISOString());
  stopSummary(out, report);
  return exitCodeFor(final.stop_reason);
}
