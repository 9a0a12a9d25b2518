import { executePrepared, type PreparedOrchestration } from '../api/orchestrations.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { orchWaitOutput } from '../orchestrate/orch-status.js';
import type { Output } from './render/output.js';
import { orchEventLine } from './render/orch-lines.js';
import { printOrchEnd } from './render/orch-end.js';
import { withCancellation } from './signals.js';
import { testHooksFromEnv } from './test-hooks.js';

/**
 * Executes an orchestration in the foreground: a line per event as it happens, Ctrl-C stops it (interrupted),
 * and at the end the wait object (--json) or each task's outcome and the next command. Returns the exit code.
 */
export async function executeInForeground(out: Output, prepared: PreparedOrchestration): Promise<number> {
  prepared.store.onEvent = (event) => {
    const line = orchEventLine(out, event);
    if (line) out.say(line);
  };
  const final = await withCancellation((signal) => executePrepared(prepared, signal, testHooksFromEnv()));
  if (out.json) out.data(orchWaitOutput(final, 'terminal'));
  else printOrchEnd(out, final);
  return exitCodeFor(final.stop_reason);
}
