import { detachSupervisor } from '../engine/detach.js';
import { EXIT } from '../contracts/exit-codes.js';
import { buildReport } from '../engine/report.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { supervise } from '../engine/supervisor.js';
import type { RunStore } from '../engine/run-store.js';
import { stopSummary } from './render/human.js';
import type { Output } from './render/output.js';
import { progressPrinter } from './render/progress.js';
import { runrCommand } from '../contracts/next-step.js';

/** Executes a run in the foreground (returning its exit code) or hands it to a background process. */
export async function execute(out: Output, store: RunStore, leaseToken: string, detach: boolean): Promise<number> {
  const state = store.state;
  if (detach) {
    const pid = detachSupervisor(state.repo_root, state.run_id, store.runDir, leaseToken);
    out.say(`Executing in the background (pid ${pid}). Follow it with: ${runrCommand('wait', state.run_id, '--for', 'terminal', '--json')}`);
    return EXIT.ok;
  }
  const crashAfter = process.env.RUNR_TEST_CRASH_AFTER_SEQ;
  const final = await supervise(store, {
    leaseToken,
    onEvent: progressPrinter(out),
    crashAfterSeq: crashAfter ? Number(crashAfter) : undefined,
    freezeAfterSeq: process.env.RUNR_TEST_FREEZE_AFTER_SEQ ? Number(process.env.RUNR_TEST_FREEZE_AFTER_SEQ) : undefined,
  });
  const report = buildReport(final, { pid: null, alive: false }, new Date().toISOString());
  stopSummary(out, report);
  return exitCodeFor(final.stop_reason);
}
