import type { RunEvent } from '../contracts/events.js';
import type { RunState } from '../contracts/state.js';
import { followRun } from '../engine/follow-run.js';

/** One journal event of a run and the state it led to. */
export interface RunUpdate {
  event: RunEvent;
  state: RunState;
}

/** A run's journal as an async stream: every event so far, then each new one, until the run is terminal or nobody executes it. */
export async function* eventsOf(runDir: string): AsyncGenerator<RunUpdate> {
  const queue: RunUpdate[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let failed: unknown = null;
  void followRun(runDir, (state, event) => {
    queue.push({ state, event });
    wake?.();
  }).then(
    () => { ended = true; wake?.(); },
    (err: unknown) => { failed = err; ended = true; wake?.(); },
  );
  for (;;) {
    const next = queue.shift();
    if (next) {
      yield next;
      continue;
    }
    if (failed) throw failed;
    if (ended) return;
    await new Promise<void>((resolve) => { wake = resolve; });
    wake = null;
  }
}
