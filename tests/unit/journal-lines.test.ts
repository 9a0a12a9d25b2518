import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import { EXIT } from '../../src/contracts/exit-codes.js';
import { appendEvent, journalLine, readJournal, repairJournalTail } from '../../src/store/journal.js';

const runDir = tempDirsRemovedAfterEach('runr-journal-lines-');
const journal = (dir: string) => path.join(dir, 'events.ndjson');
const ev = (seq: number) => ({ seq, ts: new Date(0).toISOString(), type: 'effect_result' as const, effect_id: `e${seq}`, result: { kind: 'wait_until' as const } });
const seqs = (dir: string) => readJournal(dir).events.map((e) => e.seq);

describe('reading the journal line by line', () => {
  it('an unparsable last line that did get its newline is ignored like a torn one', () => {
    const dir = runDir();
    const bytes = appendEvent(dir, ev(1));
    fs.appendFileSync(journal(dir), '{"seq":2,"ts":\n');
    expect(readJournal(dir)).toEqual({ events: [ev(1)], validBytes: bytes, validText: journalLine(ev(1)) });
  });

  it('a last line that parses but lacks its newline is not counted', () => {
    const dir = runDir();
    const bytes = appendEvent(dir, ev(1));
    fs.appendFileSync(journal(dir), JSON.stringify(ev(2)));
    expect(readJournal(dir)).toMatchObject({ validBytes: bytes });
    expect(seqs(dir)).toEqual([1]);
  });

  it('blank and whitespace-only lines between events are not damage', () => {
    const dir = runDir();
    appendEvent(dir, ev(1));
    fs.appendFileSync(journal(dir), '\n   \n\t\n');
    const bytes = appendEvent(dir, ev(2));
    expect(readJournal(dir)).toMatchObject({ validBytes: bytes });
    expect(seqs(dir)).toEqual([1, 2]);
  });

  it('damage before the last line names the line and stops with journal_corrupt (exit 2)', () => {
    const dir = runDir();
    appendEvent(dir, ev(1));
    fs.appendFileSync(journal(dir), '\n{"not":"an event"}\n');
    appendEvent(dir, ev(3));
    expect(() => readJournal(dir)).toThrow(expect.objectContaining({ code: 'journal_corrupt', exitCode: EXIT.stopped }));
    expect(() => readJournal(dir)).toThrow(`${journal(dir)}: line 3 is not a valid event; the run's journal is damaged before its end`);
  });

  it('a journal that cannot be read for another reason than its absence is an error, not an empty journal', () => {
    const dir = runDir();
    fs.mkdirSync(journal(dir));
    expect(() => readJournal(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});

describe('repairing the tail', () => {
  it('cuts a torn last line so that the next append starts on a fresh line', () => {
    const dir = runDir();
    appendEvent(dir, ev(1));
    fs.appendFileSync(journal(dir), '{"seq":2,"ts":"20');
    const { validBytes } = readJournal(dir);
    repairJournalTail(dir, validBytes);
    expect(fs.statSync(journal(dir)).size).toBe(validBytes);
    appendEvent(dir, ev(2));
    expect(seqs(dir)).toEqual([1, 2]);
  });

  it('never lengthens the journal, and creates none', () => {
    const dir = runDir();
    const bytes = appendEvent(dir, ev(1));
    repairJournalTail(dir, bytes + 100);
    expect(fs.readFileSync(journal(dir), 'utf8')).toBe(journalLine(ev(1)));
    const empty = runDir();
    repairJournalTail(empty, 0);
    expect(fs.existsSync(journal(empty))).toBe(false);
  });
});

describe.skipIf(!fs.existsSync('/proc/self/fd'))('file descriptors', () => {
  const openFds = () => fs.readdirSync('/proc/self/fd').length;

  it('an append closes the journal, also when it refuses to write', () => {
    const dir = runDir();
    const before = openFds();
    const bytes = appendEvent(dir, ev(1));
    appendEvent(dir, ev(2), bytes);
    expect(() => appendEvent(dir, ev(3), bytes)).toThrow();
    expect(openFds()).toBe(before);
  });
});
