import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendEvent, readJournal } from '../../src/store/journal.js';

const ev = (seq: number) => ({ seq, ts: new Date(0).toISOString(), type: 'effect_result' as const, effect_id: `e${seq}`, result: { kind: 'wait_until' as const } });

describe('a journal written by another process (the run was taken over)', () => {
  it('refuses the append with lease_lost (exit 4) and writes nothing', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-journal-'));
    try {
      const mine = appendEvent(d, ev(1));
      const theirs = appendEvent(d, ev(2), mine); // the new executor appends behind our back
      expect(theirs).toBeGreaterThan(mine);
      expect(() => appendEvent(d, ev(3), mine)).toThrow(expect.objectContaining({ code: 'lease_lost', exitCode: 4 }));
      expect(() => appendEvent(d, ev(3), mine)).toThrow(/events\.ndjson was written by another process \(the run was taken over\)/);
      expect(readJournal(d)).toMatchObject({ validBytes: theirs });
      expect(readJournal(d).events.map((e) => e.seq)).toEqual([1, 2]);
      expect(appendEvent(d, ev(3), theirs)).toBeGreaterThan(theirs);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('a journal that does not exist yet reads as empty', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-journal-'));
    try {
      expect(readJournal(d)).toEqual({ events: [], validBytes: 0, validText: '' });
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
