import fs from 'node:fs';
import { RunEventSchema, type RunEvent } from '../contracts/events.js';
import { journalPath } from './paths.js';

/** events.ndjson: append-only, one JSON object per line, fsynced before anything acts on it. */

export function appendEvent(runDir: string, event: RunEvent): number {
  const fd = fs.openSync(journalPath(runDir), 'a');
  try {
    fs.writeSync(fd, `${JSON.stringify(event)}\n`);
    fs.fsyncSync(fd);
    return fs.fstatSync(fd).size;
  } finally {
    fs.closeSync(fd);
  }
}

export class JournalCorruptError extends Error {}

export interface JournalRead {
  events: RunEvent[];
  /** Bytes of the journal that hold complete, valid events. */
  validBytes: number;
}

/**
 * Reads the journal. A truncated or unparsable last line (a crash mid-write) is ignored;
 * damage anywhere before the last line is reported, never silently skipped.
 */
export function readJournal(runDir: string): JournalRead {
  let text: string;
  try {
    text = fs.readFileSync(journalPath(runDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], validBytes: 0 };
    throw err;
  }
  const events: RunEvent[] = [];
  let offset = 0;
  let validBytes = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    const line = end === -1 ? text.slice(offset) : text.slice(offset, end);
    const isLast = end === -1 || end === text.length - 1;
    const parsed = parseLine(line);
    if (parsed) {
      events.push(parsed);
      if (end !== -1) validBytes = Buffer.byteLength(text.slice(0, end + 1));
    } else if (line.trim() !== '' && !isLast) {
      throw new JournalCorruptError(`${journalPath(runDir)}: line ${events.length + 1} is not a valid event`);
    }
    if (end === -1) break;
    offset = end + 1;
  }
  return { events, validBytes };
}

function parseLine(line: string): RunEvent | null {
  if (!line.trim()) return null;
  try {
    const result = RunEventSchema.safeParse(JSON.parse(line));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** Drops a torn last line so that the next append starts on a fresh line. */
export function repairJournalTail(runDir: string, validBytes: number): void {
  const file = journalPath(runDir);
  if (fs.existsSync(file) && fs.statSync(file).size > validBytes) fs.truncateSync(file, validBytes);
}
