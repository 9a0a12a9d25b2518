import fs from 'node:fs';
import { RunEventSchema, type RunEvent } from '../contracts/events.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { journalPath } from './paths.js';

/** events.ndjson: append-only, one JSON object per line, fsynced before anything acts on it. */

export function journalLine(event: RunEvent): string {
  return `${JSON.stringify(event)}\n`;
}

export function appendEvent(runDir: string, event: RunEvent, expectedBytes?: number, sync = true): number {
  return appendJournalLine(journalPath(runDir), journalLine(event), expectedBytes, sync);
}

/**
 * Appends one line to a journal file (a run's or an orchestration's) and fsyncs it (`sync`: the file, so
 * lines appended before without it too); returns the new size.
 */
export function appendJournalLine(file: string, line: string, expectedBytes?: number, sync = true): number {
  const fd = fs.openSync(file, 'a');
  try {
    const before = fs.fstatSync(fd).size;
    // Fencing: a writer that finds the journal longer than it left it has been taken over (a frozen
    // executor whose lease expired and was reclaimed) and must not write another event.
    if (expectedBytes !== undefined && before !== expectedBytes) throw new JournalTakenOverError(file);
    try {
      writeAll(fd, Buffer.from(line));
      if (sync) fs.fsyncSync(fd);
    } catch (err) {
      // A refused write (disk full) may have taken part of the line: cut it back, so that the journal
      // ends on a whole event and the next append starts on a fresh line. Truncating needs no space;
      // should it fail too, the next open drops the torn line (repairJournalTail).
      try {
        fs.ftruncateSync(fd, before);
      } catch {
        /* see above */
      }
      throw err;
    }
    return fs.fstatSync(fd).size;
  } finally {
    fs.closeSync(fd);
  }
}

/** fs.writeSync may write less than it was given (a disk filling up): the rest is written, or its refusal thrown. */
function writeAll(fd: number, buf: Buffer): void {
  for (let done = 0; done < buf.length;) done += fs.writeSync(fd, buf, done, buf.length - done);
}

/** Damage before the journal's last line: the run cannot be rebuilt, and runr says so (not an internal error). */
export class JournalCorruptError extends RunrError {
  constructor(message: string) {
    super('journal_corrupt', message, EXIT.stopped);
  }
}

export class JournalTakenOverError extends RunrError {
  constructor(file: string) {
    super('lease_lost', `${file} was written by another process (the run was taken over): this process stopped without writing anything`, EXIT.locked);
  }
}

export interface JournalRead<E = RunEvent> {
  events: E[];
  /** Bytes of the journal that hold complete, valid events. */
  validBytes: number;
  /** Those bytes, as text. */
  validText: string;
}

/**
 * Reads the journal. A truncated or unparsable last line (a crash mid-write) is ignored;
 * damage anywhere before the last line is reported, never silently skipped.
 */
export function readJournal(runDir: string): JournalRead {
  return readJournalFile(journalPath(runDir), parseLine, 'run');
}

/** Reads any journal file whose lines `parse` accepts (null: not an event), with readJournal's rules. */
export function readJournalFile<E>(file: string, parse: (line: string) => E | null, what: 'run' | 'orchestration'): JournalRead<E> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], validBytes: 0, validText: '' };
    throw err;
  }
  const events: E[] = [];
  let offset = 0;
  let validBytes = 0;
  let lineNo = 0;
  // Whole lines only. A last line without its newline is a torn append, even when it happens to parse: the
  // append never completed, nothing acted on it, and repairJournalTail drops it — so readers must not count it either.
  for (let end = buf.indexOf(0x0a); end !== -1; end = buf.indexOf(0x0a, offset)) {
    lineNo++;
    const line = buf.toString('utf8', offset, end);
    const parsed = parse(line);
    if (parsed) {
      events.push(parsed);
      validBytes = end + 1;
    } else if (line.trim() !== '' && end !== buf.length - 1) {
      throw new JournalCorruptError(`${file}: line ${lineNo} is not a valid event; the ${what}'s journal is damaged before its end and cannot be replayed${what === 'run' ? ' (its checkpoints are still on the run branch)' : ''}`);
    }
    offset = end + 1;
  }
  return { events, validBytes, validText: buf.toString('utf8', 0, validBytes) };
}

function parseLine(line: string): RunEvent | null {
  try {
    const result = RunEventSchema.safeParse(JSON.parse(line));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** Drops a torn last line so that the next append starts on a fresh line. */
export function repairJournalTail(runDir: string, validBytes: number, file = journalPath(runDir)): void {
  if (fs.existsSync(file) && fs.statSync(file).size > validBytes) fs.truncateSync(file, validBytes);
}
