// A run's store on disk for unit tests of what RunStore writes (journal, state.json).
import { RunStore } from '../../src/engine/run-store.js';
import { iso, runInit, T0 } from './machine-fixtures.js';

/** A store in `runDir` whose journal holds the run's start. */
export function startedStore(runDir: string): RunStore {
  const store = RunStore.open(runDir);
  store.append({ type: 'run_started', ts: iso(T0), run: { ...runInit(), run_dir: runDir } });
  return store;
}
