import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import { appendEvent, JournalCorruptError, readJournal } from '../../src/store/journal.js';

const dir = tempDirsRemovedAfterEach('runr-journal-');
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

describe('journal on a disk that fills up', () => {
  it('a refused append leaves no part of its line behind; the next append starts on a fresh line', () => {
    const d = dir();
    const bytes = appendEvent(d, ev(1));
    // The disk takes the first half of the line, then refuses the rest (what a full file system does).
    const real = fs.writeSync;
    let calls = 0;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buf: Buffer, offset: number, length: number) => {
      if (++calls === 1) return real(fd, buf, offset, Math.floor(length / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    }) as typeof fs.writeSync);
    try {
      expect(() => appendEvent(d, ev(2), bytes)).toThrow(/ENOSPC/);
    } finally {
      spy.mockRestore();
    }
    expect(fs.statSync(path.join(d, 'events.ndjson')).size).toBe(bytes);
    expect(readJournal(d).events.map((e) => e.seq)).toEqual([1]);
    appendEvent(d, ev(2), bytes);
    expect(readJournal(d).events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('a short write is completed, not taken for a whole one', () => {
    const d = dir();
    const real = fs.writeSync;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buf: Buffer, offset: number, length: number) =>
      real(fd, buf, offset, Math.min(length, 7))) as typeof fs.writeSync);
    try {
      appendEvent(d, ev(1));
    } finally {
      spy.mockRestore();
    }
    expect(readJournal(d).events.map((e) => e.seq)).toEqual([1]);
  });
});
