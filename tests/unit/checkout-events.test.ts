import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunState } from '../../src/contracts/state.js';
import { watchCheckout } from '../../src/engine/integrity/checkout-events.js';
import { dirsOf } from '../../src/util/dirs-of.js';
import { integrityWatcher } from '../../src/engine/integrity/watch.js';
import { git } from '../helpers/harness.js';
import { watchedRun } from './git-fixtures.js';

/**
 * Your checkout (worktree mode) is walked again after a call that cannot write it only when its file
 * events say something happened there. Each change below is made the way a process outside the sandbox
 * would, during a call, and must be found by that call; runr's own writes and quiet calls cost no walk.
 */
describe('the checkout\'s file events', () => {
  let root: string;
  let state: RunState;
  let trace: string;
  let clock = 0;
  const saved = process.env.GIT_TRACE2_EVENT;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-events-'));
    state = watchedRun(root, { worktree: true });
    fs.mkdirSync(path.join(state.repo_root, 'notes'));
    fs.writeFileSync(path.join(state.repo_root, 'notes', 'todo.md'), 'mine\n'); // untracked, before the run
    fs.mkdirSync(path.join(state.repo_root, 'src', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(state.repo_root, 'src', 'deep', 'x.js'), 'x\n');
    git(state.repo_root, 'add', 'src');
    git(state.repo_root, 'commit', '-qm', 'src');
    trace = path.join(root, 'trace.json');
    process.env.GIT_TRACE2_EVENT = trace;
    clock = 0;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.GIT_TRACE2_EVENT;
    else process.env.GIT_TRACE2_EVENT = saved;
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** How many times git walked your checkout (`git status` there) so far. */
  const walks = () => (fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').split('\n') : [])
    .filter((l) => l.includes('"event":"start"') && l.includes('"status"')).length;

  /** Calls that cannot write the checkout; `during[i]` runs inside call i. What each found. */
  async function calls(during: Array<() => void>) {
    const watch = integrityWatcher(() => clock);
    const found: string[][] = [];
    for (const act of during) {
      const changed = await watch(state, undefined, { checkout: false });
      act();
      found.push(await changed());
      clock += 100;
    }
    return found;
  }
  const nothing = () => {};
  const inCheckout = (p: string) => path.join(state.repo_root, p);

  it('quiet calls, and runr\'s own writes in .runr/ and .git/, cost no walk after the first look', async () => {
    const runrWrites = () => {
      fs.writeFileSync(path.join(state.run_dir, 'state.json'), '{}');
      fs.mkdirSync(path.join(state.repo_root, '.runr', 'orchestrations'), { recursive: true });
      git(state.work_dir, 'commit', '-q', '--allow-empty', '-m', 'on the run branch');
    };
    expect(await calls([nothing, runrWrites, nothing, nothing])).toEqual([[], [], [], []]);
    expect(walks()).toBe(1);
  });

  it.each([
    ['an edit of a tracked file', () => fs.writeFileSync(inCheckout('a.txt'), 'edited\n'), /changed: a\.txt/],
    ['an edit deep in the tree', () => fs.writeFileSync(inCheckout('src/deep/x.js'), 'evil\n'), /changed: src\/deep\/x\.js/],
    ['a new directory with a file', () => {
      fs.mkdirSync(inCheckout('src/new'));
      fs.writeFileSync(inCheckout('src/new/planted.sh'), 'x\n');
    }, /changed: src\/new\/planted\.sh/],
    ['an edit of an untracked file the first look found', () => fs.writeFileSync(inCheckout('notes/todo.md'), 'changed\n'), /changed: notes\/todo\.md/],
    ['a deleted file', () => fs.rmSync(inCheckout('a.txt')), /changed: a\.txt/],
  ])('%s during a call is found by that call', async (_what, change, mentions) => {
    const found = await calls([nothing, change, nothing]);
    expect(found[0]).toEqual([]);
    expect(found[1]).toEqual([expect.stringMatching(mentions)]);
  });

  it('a checkout switched to another branch is found', async () => {
    git(state.repo_root, 'branch', 'other');
    const found = await calls([() => git(state.repo_root, 'checkout', '-q', 'other')]);
    expect(found[0]).toEqual([expect.stringMatching(/switched from/)]);
  });

  it('what the watcher cannot vouch for counts as an event', async () => {
    const events = await watchCheckout(state.repo_root);
    const mark = events.mark();
    expect(await events.since(mark)).toBe(false);
    events.close();
    expect(await events.since(mark)).toBe(true);
  });
});

describe('dirsOf', () => {
  it('names every directory holding a file, with its parents and the checkout itself', () => {
    expect([...dirsOf(['a.txt', 'src/deep/x.js', 'src/y.js'])].sort()).toEqual(['', 'src', 'src/deep']);
  });
});
