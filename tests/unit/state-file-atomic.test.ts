import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import { readFreshState, statePath } from '../../src/store/state-file.js';
import { iso, T0 } from './machine-fixtures.js';
import { startedStore } from './store-fixtures.js';

const freshDir = tempDirsRemovedAfterEach('runr-state-');

const newRun = () => startedStore(freshDir());

describe('state.json is replaced whole, never rewritten in place', () => {
  it('a reader that opened state.json before a write still reads the whole state it opened; new readers see the new one', () => {
    const store = newRun();
    const file = statePath(store.runDir);
    const before = fs.readFileSync(file, 'utf8');
    const fd = fs.openSync(file, 'r');
    try {
      const head = store.state.queue.pending[0]!;
      store.append({ type: 'effect_started', ts: iso(T0 + 1000), effect: head });

      const held = Buffer.alloc(before.length + 4096);
      const n = fs.readSync(fd, held, 0, held.length, 0);
      expect(held.subarray(0, n).toString('utf8')).toBe(before);
    } finally {
      fs.closeSync(fd);
    }
    expect(readFreshState(store.runDir)).toMatchObject({ queue: { in_flight: store.state.queue.in_flight } });
    expect(store.state.queue.in_flight).not.toBeNull();
    expect(fs.readdirSync(store.runDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
