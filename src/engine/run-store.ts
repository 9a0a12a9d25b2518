import fs from 'node:fs';
import { RunEventSchema, type RunEventInput } from '../contracts/events.js';
import type { RunState } from '../contracts/state.js';
import { replay, step } from './machine.js';
import { appendEvent, journalLine, readJournal, repairJournalTail } from '../store/journal.js';
import { journalPath } from '../store/paths.js';
import { replaceCache, writeTextAtomic } from '../store/atomic.js';
import { planOf, writePlanFiles } from '../store/plan-files.js';
import { secretValues } from '../util/secrets.js';
import { redactEvent } from '../store/redact-event.js';
import { statePath } from '../store/state-file.js';
import { locateState, portableEvent, repoRootOfRunDir } from '../store/run-location.js';
import { upgradeJournal } from '../store/journal-format.js';

export class RunNotStartedError extends Error {}

/**
 * state.json is replaced whole after every event, without an fsync (store/atomic.ts replaceCache): the
 * journal is fsynced before it, and a state.json that a power loss left behind, empty or torn, or one that is
 * missing for a moment, no longer matches the journal's size (`journal_bytes`), so readers rebuild from the
 * journal and executors always open from it.
 */
function writeStateCache(runDir: string, state: RunState, journalBytes: number): void {
  replaceCache(statePath(runDir), `${JSON.stringify({ ...state, journal_bytes: journalBytes }, null, 2)}\n`);
}

export function rebuildState(runDir: string): { state: RunState | null; seq: number; validBytes: number; validText: string } {
  const { events, validBytes, validText } = readJournal(runDir);
  const state = replay(upgradeJournal(events));
  return { state, seq: events.at(-1)?.seq ?? 0, validBytes, validText };
}

/**
 * The executor's handle on a run: every change is an event appended to the journal first,
 * then folded through the machine and cached in state.json.
 */
export class RunStore {
  /** Values of this process's secret-looking environment variables, kept out of the journal. */
  private readonly secrets = secretValues(process.env);
  /** The state with its paths resolved where the run directory is (the journal's are relative). */
  private located: RunState | null;

  private constructor(
    readonly runDir: string,
    private current: RunState | null,
    private _seq: number,
    /** Size of the journal as this store last left it (appends are refused when it changed behind us). */
    private bytes: number,
    /** The journal as this store wrote it, to put it back when someone else edited it (restoreJournal). */
    private text: string,
  ) {
    this.located = current && locateState(current, runDir);
  }

  /** Opens a run for execution, always from the journal (the source of truth). */
  static open(runDir: string): RunStore {
    const { state, seq, validBytes, validText } = rebuildState(runDir);
    repairJournalTail(runDir, validBytes);
    const store = new RunStore(runDir, state, seq, validBytes, validText);
    if (state) store.persist(validBytes);
    return store;
  }

  /** Sequence number of the last journaled event. */
  get seq(): number {
    return this._seq;
  }

  get state(): RunState {
    if (!this.located) throw new RunNotStartedError(`${this.runDir} has no run_started event`);
    return this.located;
  }

  /**
   * `synced: false`: an event nothing outside this process acts on before the next append (an effect's
   * result, followed at once by the next effect's start or by sync()). Its line is written and cached in
   * state.json but not fsynced on its own: the next append's fsync covers it, and after a power loss in
   * between, the effect is performed again. A killed process loses nothing (the kill -9 suite).
   */
  append(input: RunEventInput, opts: { synced?: boolean } = {}): RunState {
    // Validated before it is written: the journal never holds an event it could not replay, nor a secret.
    const portable = portableEvent(redactEvent(input, this.secrets), repoRootOfRunDir(this.runDir));
    const event = RunEventSchema.parse({ ...portable, seq: this._seq + 1 });
    const synced = opts.synced !== false;
    const bytes = appendEvent(this.runDir, event, this.bytes, synced);
    this.unsynced = !synced;
    this.bytes = bytes;
    this.text += journalLine(event);
    this._seq = event.seq;
    const before = this.current;
    this.current = step(this.current, event).state;
    this.located = locateState(this.current, this.runDir);
    this.persist(bytes, before);
    return this.located;
  }

  /** Whether the last append left its fsync to the next one. */
  private unsynced = false;

  /** fsyncs the journal when the last append left that to later. */
  sync(): void {
    if (!this.unsynced) return;
    const fd = fs.openSync(journalPath(this.runDir), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.unsynced = false;
  }

  /**
   * Puts the journal back as this store wrote it. Only for an executor that still holds the lease
   * (so nobody else may have written it) and found it edited behind its back: by a worker.
   */
  restoreJournal(): void {
    writeTextAtomic(journalPath(this.runDir), this.text);
    this.bytes = Buffer.byteLength(this.text);
  }

  /**
   * Whether the journal file holds exactly what this store wrote, byte for byte: runr itself appends to it
   * while a worker runs (worker_activity), so "unchanged since before the call" is not the test. Compared by
   * content, not by the file's times: a write slipped in just after one of runr's own would share them.
   */
  journalAsLeft(): boolean {
    try {
      return this.journalLengthAsLeft() && fs.readFileSync(journalPath(this.runDir)).equals(Buffer.from(this.text));
    } catch {
      return false;
    }
  }

  /**
   * The cheap half of journalAsLeft, for the appends made while a worker runs (once a second): nobody appended.
   * An edit that keeps the length is found by the full check after the call, which puts runr's journal back.
   */
  journalLengthAsLeft(): boolean {
    try {
      return fs.statSync(journalPath(this.runDir)).size === this.bytes;
    } catch {
      return false;
    }
  }

  /**
   * After the run was taken over: makes state.json match the journal again. A process frozen in the
   * middle of writing it (SIGSTOP, a suspended laptop) completes that write when it wakes, putting
   * back a state that is older than the journal.
   */
  refreshCache(): void {
    const { state, validBytes } = rebuildState(this.runDir);
    if (state) writeStateCache(this.runDir, state, validBytes);
  }

  private persist(journalBytes: number, before: RunState | null = null): void {
    const state = this.current;
    if (!state) return;
    writeStateCache(this.runDir, state, journalBytes);
    if (state.milestones.length > 0 && planOf(state) !== (before ? planOf(before) : null)) writePlanFiles(this.runDir, state);
  }
}
