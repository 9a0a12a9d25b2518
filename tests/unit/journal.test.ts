import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendEvent, JournalCorruptError, readJournal } from '../../src/store/journal.js';

function dir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'runr-journal-'));
}
const ev = (seq: number) => ({ seq, ts: new Date(0).toISOString(), type: 'effect_result' as const, effect_id: `e${seq}`, result: { kind: 'wait_until' as const } });

describe('journal', () => {
  it('reads back what was appended', () => {
    const d = dir();
    appendEvent(d, ev(1));
    const bytes = appendEvent(d, ev(2));
    const read = readJournal(d);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(read.validBytes).toBe(bytes);
  });

  it('ignores a torn last line', () => {
    const d = dir();
    const bytes = appendEvent(d, ev(1));
    fs.appendFileSync(path.join(d, 'events.ndjson'), '{"seq":2,"ts":"2020');
    const read = readJournal(d);
    expect(read.events).toHaveLength(1);
    expect(read.validBytes).toBe(bytes);
  });

  it('reports damage before the last line instead of skipping it', () => {
    const d = dir();
    appendEvent(d, ev(1));
    fs.appendFileSync(path.join(d, 'events.ndjson'), 'garbage\n');
    appendEvent(d, ev(3));
    expect(() => readJournal(d)).toThrow(JournalCorruptError);
  });

  it('treats a missing journal as empty', () => {
    expect(readJournal(dir()).events).toEqual([]);
  });
});
