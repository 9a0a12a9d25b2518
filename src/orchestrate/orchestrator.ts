import type { OrchState } from '../contracts/orchestration.js';
import type { SuperviseHooks } from '../engine/supervisor.js';
import type { EnginePorts } from '../engine/ports/ports.js';
import { heartbeat, LEASE_TIMING, releaseLease } from '../store/lease.js';
import { integrate, type IntegrationStop } from './integrate-step.js';
import type { OrchStore } from './orch-store.js';
import { scheduleTasks } from './scheduler.js';
import { writeOrchArtifacts } from './artifacts.js';

export interface OrchestrateOptions {
  leaseToken: string;
  /** Stops the orchestration: its runs stop `interrupted` (resumable) and it stops `interrupted`. */
  signal?: AbortSignal;
  hooks?: SuperviseHooks;
  /** Adapters every task's run (and a conflict-fix run) is executed through instead of the real ones. */
  ports?: Partial<EnginePorts>;
}

const now = () => new Date().toISOString();

/**
 * Executes an orchestration (started or resumed, its lease held) to its end: every task, then the integration
 * branch, then the verdict, the report and summary.md. Returns the final state.
 */
export async function executeOrchestration(store: OrchStore, opts: OrchestrateOptions): Promise<OrchState> {
  const dir = store.dir;
  const timing = opts.hooks?.leaseTiming ?? LEASE_TIMING;
  const controller = new AbortController();
  const cancel = () => controller.abort(opts.signal?.reason ?? 'cancellation');
  if (opts.signal?.aborted) cancel();
  else opts.signal?.addEventListener('abort', cancel, { once: true });
  let lost = !heartbeat(dir, opts.leaseToken, process.pid, timing);
  const beat = setInterval(() => {
    if (!heartbeat(dir, opts.leaseToken, process.pid, timing)) {
      lost = true;
      controller.abort('the orchestration was taken over by another process');
    }
  }, timing.heartbeatMs);
  try {
    if (lost) throw new Error(`${dir}: this process does not hold the orchestration's lease`);
    await scheduleTasks(store, dir, controller.signal, opts.hooks, opts.ports);
    const stop = controller.signal.aborted ? null : await integrate(store, dir, controller.signal, opts.hooks, opts.ports);
    if (controller.signal.aborted) {
      if (!lost) store.append({ type: 'orch_stopped', ts: now(), outcome: 'stopped', stop_reason: 'interrupted', stop_detail: `interrupted by ${String(controller.signal.reason)}` });
    } else {
      store.append({ type: 'orch_stopped', ts: now(), ...verdict(store.state, stop) });
    }
    if (!lost) await writeOrchArtifacts(store.state, dir);
    return store.state;
  } finally {
    clearInterval(beat);
    opts.signal?.removeEventListener('abort', cancel);
    if (!lost) releaseLease(dir, opts.leaseToken);
  }
}

/** Complete when every task that ran completed and the integration verified; else the first stop, in dependency order. */
function verdict(state: OrchState, integration: IntegrationStop) {
  const stopped = state.planned.map((p) => state.tasks.find((t) => t.key === p.key)!).find((t) => t.status === 'stopped');
  if (stopped) {
    const others = state.tasks.filter((t) => t.status === 'stopped').length - 1;
    return {
      outcome: 'stopped' as const, stop_reason: stopped.stop_reason!,
      // The task's own detail can be a worker's whole output: its first line here, all of it in the task.
      stop_detail: `task ${stopped.key} stopped (${stopped.stop_reason}${stopped.stop_detail ? `: ${stopped.stop_detail.split('\n')[0]}` : ''})${others > 0 ? `; ${others} more task${others > 1 ? 's' : ''} stopped` : ''}`,
    };
  }
  if (integration) return { outcome: 'stopped' as const, stop_reason: integration.reason, stop_detail: integration.detail };
  return { outcome: 'complete' as const, stop_reason: 'complete' as const, stop_detail: null };
}

