import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunState } from '../../src/contracts/state.js';
import { CARRY_OVER_MS, integrityWatcher } from '../../src/engine/integrity/watch.js';
import { runIndexEnv } from '../../src/git/run-index.js';
import { git } from '../helpers/harness.js';
import { watchedRun } from './git-fixtures.js';

describe('the integrity watch carries the snapshot that closes one call over to the next', () => {
  let root: string;
  let state: RunState;
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-watch-'));
    state = watchedRun(root);
    clock = 0;
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** One watched call: `during` runs between its two snapshots; returns what the watch found. */
  async function call(watch: ReturnType<typeof integrityWatcher>, during: () => void = () => {}, journalAsLeft?: () => boolean) {
    const changed = await watch(state, journalAsLeft);
    during();
    return changed();
  }

  it('a ref created between two calls of a milestone is found by the next call', async () => {
    const watch = integrityWatcher(now);
    expect(await call(watch)).toEqual([]);
    git(state.work_dir, 'branch', 'side');
    clock += 100;
    expect(await call(watch)).toEqual([expect.stringContaining('ref refs/heads/side was created')]);
  });

  it('after a gap longer than CARRY_OVER_MS (an approval wait), the next call starts from a fresh snapshot', async () => {
    const watch = integrityWatcher(now);
    expect(await call(watch)).toEqual([]);
    git(state.work_dir, 'branch', 'side');
    clock += CARRY_OVER_MS + 1;
    expect(await call(watch)).toEqual([]);
  });

  it("runr's own writes between calls (its journal, its index) are not taken for tampering", async () => {
    const watch = integrityWatcher(now);
    const journal = path.join(state.run_dir, 'events.ndjson');
    expect(await call(watch, () => {}, () => true)).toEqual([]);
    fs.appendFileSync(journal, '{"seq":2}\n');
    execFileSync('git', ['read-tree', 'HEAD'], { cwd: state.work_dir, env: { ...process.env, ...runIndexEnv(state.run_dir) } });
    clock += 100;
    expect(await call(watch, () => {}, () => true)).toEqual([]);
  });

  it('the same writes made during a call are found', async () => {
    const watch = integrityWatcher(now);
    expect(await call(watch)).toEqual([]);
    clock += 100;
    const index = runIndexEnv(state.run_dir).GIT_INDEX_FILE;
    const found = await call(watch, () => fs.appendFileSync(index, 'x'));
    expect(found).toEqual([expect.stringContaining(`${index} was modified`)]);
  });

  it('keeps runs apart: one run\'s closing snapshot never opens another run\'s call', async () => {
    const watch = integrityWatcher(now);
    expect(await call(watch)).toEqual([]);
    git(state.work_dir, 'branch', 'side');
    state = { ...state, run_id: 'r2' };
    clock += 100;
    expect(await call(watch)).toEqual([]);
  });

  it('git update-server-info during a call (a background gc your own commit started) is not tampering', async () => {
    const watch = integrityWatcher(now);
    expect(await call(watch, () => git(state.work_dir, 'update-server-info'))).toEqual([]);
    expect(fs.existsSync(path.join(state.work_dir, '.git', 'info', 'refs'))).toBe(true);
  });

  it('any other file written to .git/info during a call is found', async () => {
    const watch = integrityWatcher(now);
    const found = await call(watch, () => fs.writeFileSync(path.join(state.work_dir, '.git', 'info', 'grafts'), 'x\n'));
    expect(found).toEqual(expect.arrayContaining([expect.stringContaining('info/grafts was created')]));
  });
});
