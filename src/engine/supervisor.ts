import type { RunEventInput } from '../contracts/events.js';
import type { RunState } from '../contracts/state.js';
import { heartbeat, leaseTimingOf, readLease, releaseLease, stillHeld, type LeaseTiming } from '../store/lease.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import type { RunStore } from './run-store.js';
import { writeReport } from './report-file.js';
import { JournalTakenOverError } from '../store/journal.js';
import { runrCommand } from '../contracts/next-step.js';
import { isTerminal } from './describe.js';
import { recordChild } from './effects/children.js';
import { perform } from './effects/perform.js';
import { realPorts } from './ports/real-ports.js';
import type { EnginePorts } from './ports/ports.js';
import { WriteFailedError, writeFailureOf, type WriteFailure } from './write-failure.js';
import { sessionDeadlineMs } from './state-ops.js';
import { StopRequest } from './stop-request.js';
import { activityRecorder } from './activity-recorder.js';
import type { ExecutorStop, OrchestratorStop } from '../contracts/stop-reasons.js';

/** Another process reclaimed the run (this one was frozen or cut off past the lease expiry): stop, write nothing. */
export class LeaseLostError extends RunrError {
  constructor(message: string) {
    super('lease_lost', message, EXIT.locked);
  }
}

/** Injected by the caller (the CLI sets them from its environment for the end-to-end tests); the engine reads no environment for them. */
export interface SuperviseHooks {
  /** Called right after journal event `seq` is written (a test crashes or freezes the process here). */
  afterEvent?: (seq: number) => void;
  /** The lease timing when the run's config sets none (tests shorten it to exercise expiry). */
  leaseTiming?: LeaseTiming;
}

export interface SuperviseOptions {
  leaseToken: string;
  /**
   * Cancels the run: the running effect's processes (this run's only) are killed, an `interrupted`
   * stop is journaled (`interrupted by <signal.reason>`), the stop's clean-up runs and supervise returns.
   * A StopRequest as the reason journals its own stop and detail instead.
   */
  signal?: AbortSignal;
  /** What effects are performed through; default the real world (git, worker CLIs, verification commands, system clock). */
  ports?: EnginePorts;
  /** Called after every journaled event, for progress output. */
  onEvent?: (state: RunState, event: RunEventInput) => void;
  /** Keep the lease when done (the caller goes on executing the run). */
  keepLease?: boolean;
  hooks?: SuperviseHooks;
}

/** The stop a cancellation journals: the StopRequest it carries, else `interrupted` by the abort reason. */
type CancelStop = { reason: ExecutorStop | OrchestratorStop; detail: string };

function stopOnCancel(signal: AbortSignal): CancelStop {
  const reason: unknown = signal.reason;
  if (reason instanceof StopRequest) return { reason: reason.reason, detail: reason.detail };
  return { reason: 'interrupted', detail: `interrupted by ${cancelledBy(reason)}` };
}

/** What an `interrupted` stop says interrupted the run: the abort reason when it names one. */
function cancelledBy(reason: unknown): string {
  if (typeof reason === 'string' && reason) return reason;
  if (reason instanceof Error && reason.name !== 'AbortError' && reason.message) return reason.message;
  return 'cancellation';
}

/**
 * The imperative shell: holds the lease, performs the head effect, journals its start and result,
 * and repeats until the run is stopped and finalized.
 *
 * An aborted `signal` ends this run's running processes and journals an `interrupted` stop (then the
 * stop's clean-up runs as for any stop); supervise returns the state, it never exits the process. A
 * write the file system refuses (disk full) ends the worker tree, journals a `disk_full` stop when the
 * journal still takes it, and is thrown as a WriteFailedError: one line saying what to do.
 */
export async function supervise(store: RunStore, opts: SuperviseOptions): Promise<RunState> {
  const runDir = store.runDir;
  const runId = store.state.run_id;
  const timing = leaseTimingOf(store.state.config.limits, opts.hooks?.leaseTiming);
  const ports = opts.ports ?? realPorts();
  const now = () => new Date(ports.clock.now()).toISOString();
  let interrupted: CancelStop | null = null;
  /** An error raised where nothing awaits it (the heartbeat timer). */
  let failure: unknown = null;
  // Ends this run's processes (runProcess listens to it), on cancellation or such a failure.
  const stop = new AbortController();
  const abort = () => stop.abort();
  const cancel = () => {
    interrupted ??= stopOnCancel(opts.signal!);
    abort();
  };
  if (opts.signal?.aborted) cancel();
  else opts.signal?.addEventListener('abort', cancel, { once: true });
  const fail = (err: unknown) => {
    failure ??= err;
    abort();
  };
  let lost = false;
  const beat = setInterval(() => {
    try {
      if (!heartbeat(runDir, opts.leaseToken, process.pid, timing)) lost = true;
    } catch (err) {
      fail(err);
    }
  }, timing.heartbeatMs);
  const ours = () => !lost && stillHeld(runDir, opts.leaseToken, timing);

  const journal = (event: RunEventInput, durability?: { synced: false }) => {
    const state = store.append(event, durability);
    opts.onEvent?.(state, event);
    opts.hooks?.afterEvent?.(store.seq);
    return state;
  };

  let interruptJournaled = false;
  try {
    lost = !heartbeat(runDir, opts.leaseToken, process.pid, timing);
    for (;;) {
      if (failure) throw failure;
      const state = store.state;
      if (state.phase === 'STOPPED' && state.finalized) break;
      const effect = state.queue.pending[0];
      if (!effect) throw new Error(`run ${state.run_id} has nothing left to do but is not stopped`);
      if (!ours()) throw lostLease(state.run_id);
      journal({ type: 'effect_started', ts: now(), effect });
      // Checked again: a process frozen while journaling (SIGSTOP, a suspended laptop) must not wake up
      // and start a worker in a worktree that another executor has taken over meanwhile.
      if (!ours()) throw lostLease(state.run_id);
      const activity = effect.kind === 'worker'
        ? activityRecorder({
          now: () => ports.clock.now(),
          journal: (items) => journal({ type: 'worker_activity', ts: now(), effect_id: effect.id, items }),
          // A journal a worker changed is put back after the call (the tampering is reported): not written on meanwhile.
          mayJournal: () => store.journalLengthAsLeft() && ours(),
          // A journal changed between that check and the append (a worker racing runr's write): recording stops, and
          // the check after the call reports the change and puts the journal back, as for any tampering.
          onError: (err) => {
            if (!(err instanceof JournalTakenOverError)) fail(err);
          },
        })
        : null;
      let result;
      try {
        result = await perform(effect, {
          state: store.state,
          deadlineMs: sessionDeadlineMs(store.state),
          onSpawn: (pid) => recordChild(runDir, pid),
          onActivity: activity?.add,
          journalAsLeft: () => store.journalAsLeft(),
          signal: stop.signal,
          ports,
        });
        activity?.end();
      } finally {
        activity?.close();
      }
      if (failure) throw failure;
      // The effect may have taken long; if the run was taken over meanwhile, its journal is no longer ours.
      if (!ours()) throw lostLease(store.state.run_id);
      // (Set by the abort listener while perform ran: TypeScript cannot see that.)
      const cancelled = interrupted as CancelStop | null;
      if (cancelled && !interruptJournaled) {
        interruptJournaled = true;
        // The result of an effect cut short is not journaled: a resume performs it again. A run already
        // stopping (its clean-up was in flight) keeps its own stop.
        if (store.state.phase !== 'STOPPED') {
          journal({ type: 'run_stopped', ts: now(), reason: cancelled.reason, detail: cancelled.detail });
          continue;
        }
      }
      // Still ours, so a journal changed during the call was changed by what the call ran: put it back.
      if ('tampered' in result && result.tampered?.length) store.restoreJournal();
      // fsynced with the next effect's start, or by the sync below: nothing acts on a result before either.
      journal({ type: 'effect_result', ts: now(), effect_id: effect.id, result }, { synced: false });
    }
    store.sync();
    await writeReport(store.state);
    return store.state;
  } catch (err) {
    if (err instanceof LeaseLostError || err instanceof JournalTakenOverError) store.refreshCache();
    const refused = writeFailureOf(err);
    if (!refused) throw err;
    abort();
    throw stopForRefusedWrite(store, refused, () => !lost && readLease(runDir)?.token === opts.leaseToken, journal, runId, now());
  } finally {
    clearInterval(beat);
    opts.signal?.removeEventListener('abort', cancel);
    if (!opts.keepLease) releaseLease(runDir, opts.leaseToken);
  }
}

/**
 * A write the file system refused: the run stops with `disk_full` when the journal still takes that
 * (a small line often fits where a transcript did not); otherwise it is left as a run nobody executes,
 * which `status` shows as stale and `resume` continues. Either way, no clean-up is attempted on a full
 * disk: resume does it once there is space.
 */
function stopForRefusedWrite(
  store: RunStore,
  refused: WriteFailure,
  stillOurs: () => boolean,
  journal: (event: RunEventInput) => RunState,
  runId: string,
  ts: string,
): WriteFailedError {
  const state = store.state;
  const error = new WriteFailedError(refused, store.runDir, runrCommand(isTerminal(state) ? 'report' : 'resume', runId));
  if (refused.full && state.phase !== 'STOPPED' && stillOurs()) {
    try {
      journal({ type: 'run_stopped', ts, reason: 'disk_full', detail: error.what });
    } catch {
      /* the journal cannot take it either (it is left whole: appendEvent cuts a partial line back) */
    }
  }
  return error;
}

function lostLease(runId: string): LeaseLostError {
  return new LeaseLostError(`Run ${runId}: this process no longer holds the run's lease (another process took the run over); it stopped without writing anything. See: ${runrCommand('status', runId)}`);
}
