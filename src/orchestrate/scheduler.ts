import type { OrchEventInput, OrchTaskState } from '../contracts/orchestration.js';
import type { RunState } from '../contracts/state.js';
import type { SuperviseHooks } from '../engine/supervisor.js';
import type { EnginePorts } from '../engine/ports/ports.js';
import { CollisionGate } from './gate.js';
import type { OrchStore } from './orch-store.js';
import { pick } from './pick.js';
import type { TaskProgress } from './readiness.js';
import { driveTask, type TaskDriverContext } from './task-run.js';
import { touchSetOf } from './touch.js';

const now = () => new Date().toISOString();

/** A task's progress as dependencies and slots see it: one with a run (or being started) is running. */
function progressOf(task: OrchTaskState, launched: boolean): TaskProgress {
  if (task.status === 'complete' || task.status === 'stopped' || task.status === 'skipped') return task.status;
  return launched || task.run_id ? 'running' : 'pending';
}

/**
 * Runs the orchestration's tasks until every one has ended: tasks with a run under way first (backlog
 * first, after a crash), then each ready task up to max-parallel, in dependency order. Skips, waits and
 * every task's progress are journaled. Returns when all ended, or (tasks left as they are) once `signal` aborts.
 */
export async function scheduleTasks(store: OrchStore, orchDir: string, signal: AbortSignal, hooks?: SuperviseHooks, ports?: Partial<EnginePorts>): Promise<void> {
  const active = new Map<string, Promise<void>>();
  const runStates = new Map<string, RunState>();
  let wake: () => void = () => {};
  const journal = (event: OrchEventInput) => {
    store.append(event);
    wake();
  };
  const planned = store.state.planned;
  const gate = new CollisionGate({
    order: planned.map((t) => t.key),
    policy: store.state.options.collision_policy,
    touchOf: (key) => touchSetOf(runStates.get(key) ?? null),
    onWait: (key, detail) => journal({ type: 'task_waiting', ts: now(), key, reason: 'collision', detail }),
    onGo: (key) => journal({ type: 'task_going', ts: now(), key }),
  });
  // Every task's run stops when the orchestrator stops, or when one task's driver failed (then the failure is thrown).
  const stopAll = new AbortController();
  const onStop = () => stopAll.abort(signal.reason);
  signal.addEventListener('abort', onStop, { once: true });
  const ctx: TaskDriverContext = {
    orch: () => store.state, orchDir, journal, gate, signal: stopAll.signal, hooks, ports,
    onRunState: (key, state) => {
      runStates.set(key, state);
    },
  };
  let failure: unknown = null;
  const launch = (key: string) => {
    const task = planned.find((t) => t.key === key)!;
    active.set(key, driveTask(ctx, task)
      .catch((err: unknown) => {
        failure ??= err;
        stopAll.abort('an internal error');
      })
      .finally(() => {
        active.delete(key);
        wake();
      }));
  };
  const taskOf = (key: string) => store.state.tasks.find((t) => t.key === key)!;
  // Backlog first: runs already under way are reattached (or reclaimed) before anything new starts.
  for (const t of store.state.tasks) if (t.run_id && (t.status === 'running' || t.status === 'waiting')) launch(t.key);

  for (;;) {
    if (stopAll.signal.aborted) break;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    // Slots are taken by runs at work: not by one parked in a wait, nor by one that has just ended.
    const busy = [...active.keys()].map(taskOf).filter((t) => progressOf(t, true) === 'running' && !(t.status === 'waiting' && t.run_id)).length;
    const decisions = pick({ tasks: planned, progressOf: (k) => progressOf(taskOf(k), active.has(k)), busy, maxParallel: store.state.options.max_parallel });
    for (const d of decisions) {
      if (d.kind === 'start') launch(d.key);
      else if (d.kind === 'skip') journal({ type: 'task_skipped', ts: now(), key: d.key, because: d.because });
      else {
        const waiting = taskOf(d.key).waiting;
        if (waiting?.reason !== d.reason || waiting.detail !== d.detail) journal({ type: 'task_waiting', ts: now(), key: d.key, reason: d.reason, detail: d.detail });
      }
    }
    if (active.size === 0) {
      if (decisions.some((d) => d.kind === 'skip')) continue;
      if (store.state.tasks.every((t) => t.status === 'complete' || t.status === 'stopped' || t.status === 'skipped')) break;
      throw new Error(`orchestration ${store.state.orch_id}: no task can start and none is running (${store.state.tasks.filter((t) => t.status !== 'complete').map((t) => `${t.key}: ${t.status}`).join(', ')})`);
    }
    const onAbort = () => wake();
    stopAll.signal.addEventListener('abort', onAbort, { once: true });
    await woken;
    stopAll.signal.removeEventListener('abort', onAbort);
  }
  await Promise.all(active.values());
  signal.removeEventListener('abort', onStop);
  if (failure) throw failure;
}

