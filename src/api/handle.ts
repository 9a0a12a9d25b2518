import type { ReportOutput } from '../contracts/outputs.js';
import type { RunState } from '../contracts/state.js';
import { buildReport } from '../engine/report.js';
import type { RunStore } from '../engine/run-store.js';
import { supervise } from '../engine/supervisor.js';
import type { EnginePorts } from '../engine/ports/ports.js';
import { realPorts } from '../engine/ports/real-ports.js';
import { eventsOf, type RunUpdate } from './events.js';

/** How a run executed by this process ended: its final state and its report (the same as `runr report --json`). */
export interface RunResult {
  state: RunState;
  report: ReportOutput;
}

/** A run this process executes: started or resumed through the library. */
export interface RunHandle {
  id: string;
  runDir: string;
  /**
   * What the operator should know about this session, as the CLI's warnings and notes say it: workers run
   * unconfined, no verification is configured, settings a resume keeps although the config file changed.
   */
  notices: string[];
  /** The run's journal events from the first one, with the state each led to, until the run is terminal. */
  events(): AsyncIterable<RunUpdate>;
  /** Settles once the run stopped (any stop reason, `interrupted` after cancel()); rejects on a failure such as a full disk. */
  result: Promise<RunResult>;
  /** Stops the run: its worker or verification is ended, and it stops with `interrupted` (resumable). */
  cancel(reason?: string): void;
}

/** Executes a run in this process, returning at once a handle to watch, await or cancel it. */
export function executeInProcess(store: RunStore, leaseToken: string, signal: AbortSignal | undefined, notices: string[], ports?: Partial<EnginePorts>): RunHandle {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason ?? 'cancellation');
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const result = supervise(store, { leaseToken, signal: controller.signal, ports: ports && { ...realPorts(), ...ports } })
    .then((state) => ({ state, report: buildReport(state, { pid: null, alive: false }, new Date().toISOString()) }))
    .finally(() => signal?.removeEventListener('abort', onAbort));
  return {
    id: store.state.run_id,
    runDir: store.runDir,
    notices,
    events: () => eventsOf(store.runDir),
    result,
    cancel: (reason = 'cancellation') => controller.abort(reason),
  };
}
