// Whether the journal is exactly as runr wrote it: runr appends worker activity during a call, so a worker's
// change to the journal is told apart from runr's own writes by content, not by the file's times.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import { journalPath } from '../../src/store/paths.js';
import { iso, T0 } from './machine-fixtures.js';
import { startedStore } from './store-fixtures.js';

const freshDir = tempDirsRemovedAfterEach('runr-journal-left-');

const newRun = () => startedStore(freshDir());

describe('RunStore.journalAsLeft', () => {
  it('holds after runr\'s own appends, activity included', () => {
    const store = newRun();
    expect(store.journalAsLeft()).toBe(true);
    const head = store.state.queue.pending[0]!;
    store.append({ type: 'effect_started', ts: iso(T0 + 1000), effect: head });
    store.append({ type: 'worker_activity', ts: iso(T0 + 2000), effect_id: head.id, items: [{ at_ms: 5, kind: 'log', text: 'working' }] });
    expect(store.journalAsLeft()).toBe(true);
  });

  it('fails on a line appended by someone else, and on an edit that keeps the size', () => {
    const appended = newRun();
    fs.appendFileSync(journalPath(appended.runDir), '{"forged":true}\n');
    expect(appended.journalAsLeft()).toBe(false);

    const edited = newRun();
    const file = journalPath(edited.runDir);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('"run_started"', '"run_startex"'));
    expect(fs.statSync(file).size).toBe(Buffer.byteLength(text));
    expect(edited.journalAsLeft()).toBe(false);
    edited.restoreJournal();
    expect(edited.journalAsLeft()).toBe(true);
  });

  it('fails when the journal is gone', () => {
    const store = newRun();
    fs.rmSync(journalPath(store.runDir));
    expect(store.journalAsLeft()).toBe(false);
  });
});
