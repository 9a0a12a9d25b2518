import type { RunEventInput } from '../contracts/events.js';
import type { RunState } from '../contracts/state.js';
import { heartbeat, leaseTimingOf, releaseLease } from '../store/lease.js';
import { RunrError } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { RunStore } from '../store/run-store.js';
import { writeReport } from '../store/report-file.js';
import { JournalTakenOverError } from '../store/journal.js';
import { killAllChildren } from '../util/process.js';
import { recordChild } from './effects/children.js';
import { sessionDeadline } from './effects/context.js';
import { perform } from './effects/perform.js';

/** Another process reclaimed the run (this one was frozen or cut off past the lease expiry): stop, write nothing. */
export class LeaseLostError extends RunrError {
  constructor(message: string) {
    super('lease_lost', message, EXIT.locked);
  }
}
export class InterruptedError extends Error {}

export interface SuperviseOptions {
  leaseToken: string;
  /** Called after every journaled event, for progress output. */
  onEvent?: (state: RunState, event: RunEventInput) => void;
  /** Keep the lease when done (the caller goes on executing the run). */
  keepLease?: boolean;
  /** Test hook: exit abruptly (as kill -9 would) after the journal reaches this many events. */
  crashAfterSeq?: number;
  /** Test hook: the process stops itself (SIGSTOP, as a suspended laptop would) right after journal event N. */
  freezeAfterSeq?: number;
}

/**
 * The imperative shell: holds the lease, performs the head effect, journals its start and result,
 * and repeats until the run is stopped and finalized.
 */
export async function supervise(store: RunStore, opts: SuperviseOptions): Promise<RunState> {
  const runDir = store.runDir;
  const timing = leaseTimingOf(store.state.config.limits);
  let lost = !heartbeat(runDir, opts.leaseToken, process.pid, timing);
  const beat = setInterval(() => {
    if (!heartbeat(runDir, opts.leaseToken, process.pid, timing)) lost = true;
  }, timing.heartbeatMs);
  let interrupted: string | null = null;
  let interrupt: (signal: string) => void = () => {};
  const aborted = new Promise<void>((resolve) => {
    interrupt = (signal) => {
      if (interrupted) process.exit(EXIT.interrupted); // a second Ctrl-C: leave now (the run stays resumable)
      interrupted = signal;
      killAllChildren();
      resolve();
    };
  });
  // Named here, not taken from the listener's argument: the spinner (ora's stdin discarder) turns a
  // Ctrl-C byte into a bare process.emit('SIGINT'), whose listeners receive no signal name.
  const onSigint = () => interrupt('SIGINT');
  const onSigterm = () => interrupt('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  const journal = (event: RunEventInput) => {
    const state = store.append(event);
    opts.onEvent?.(state, event);
    if (opts.crashAfterSeq !== undefined && store.seq >= opts.crashAfterSeq) process.kill(process.pid, 'SIGKILL');
    if (opts.freezeAfterSeq !== undefined && store.seq === opts.freezeAfterSeq) process.kill(process.pid, 'SIGSTOP');
    return state;
  };

  try {
    for (;;) {
      const state = store.state;
      if (state.phase === 'STOPPED' && state.finalized) break;
      const effect = state.pending[0];
      if (!effect) throw new Error(`run ${state.run_id} has nothing left to do but is not stopped`);
      if (lost || !heartbeat(runDir, opts.leaseToken)) throw lostLease(state.run_id);
      journal({ type: 'effect_started', ts: now(), effect });
      // Checked again: a process frozen while journaling (SIGSTOP, a suspended laptop) must not wake up
      // and start a worker in a worktree that another executor has taken over meanwhile.
      if (lost || !heartbeat(runDir, opts.leaseToken)) throw lostLease(state.run_id);
      const result = await perform(effect, {
        state: store.state,
        deadlineMs: sessionDeadline(store.state),
        onSpawn: (pid) => recordChild(runDir, pid),
        aborted,
      });
      if (interrupted) throw new InterruptedError(`interrupted by ${interrupted}`);
      // The effect may have taken long; if the run was taken over meanwhile, its journal is no longer ours.
      if (lost || !heartbeat(runDir, opts.leaseToken)) throw lostLease(store.state.run_id);
      // Still ours, so a journal changed during the call was changed by what the call ran: put it back.
      if ('tampered' in result && result.tampered?.length) store.restoreJournal();
      journal({ type: 'effect_result', ts: now(), effect_id: effect.id, result });
    }
    writeReport(store.state);
    return store.state;
  } catch (err) {
    if (err instanceof LeaseLostError || err instanceof JournalTakenOverError) store.refreshCache();
    throw err;
  } finally {
    clearInterval(beat);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    if (!opts.keepLease) releaseLease(runDir, opts.leaseToken);
  }
}

function lostLease(runId: string): LeaseLostError {
  return new LeaseLostError(`Run ${runId}: this process no longer holds the run's lease (another process took the run over); it stopped without writing anything. See: runr status ${runId}`);
}

function now(): string {
  return new Date().toISOString();
}
