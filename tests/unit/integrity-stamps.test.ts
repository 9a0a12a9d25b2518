import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunState } from '../../src/contracts/state.js';
import { integrityWatcher, type WatchOptions } from '../../src/engine/integrity/watch.js';
import { git } from '../helpers/harness.js';
import { watchedRun } from './git-fixtures.js';

/**
 * The watch takes a snapshot's config and refs over from the one before while the files they are read
 * from are unchanged (integrity/stamps.ts). Each test changes what a listing would show in a way the
 * stamps must notice, inside one call and between two calls of a milestone (a carried-over snapshot).
 */
describe('config and refs taken over between snapshots: every change still found', () => {
  let root: string;
  let home: string;
  let state: RunState;
  let clock = 0;
  const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

  const setUp = (worktree: boolean) => {
    state = watchedRun(root, { worktree });
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-stamps-'));
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = path.join(home, '.config');
    clock = 0;
  });
  afterEach(() => {
    process.env.HOME = saved.HOME;
    if (saved.XDG_CONFIG_HOME === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved.XDG_CONFIG_HOME;
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A milestone of three watched calls; `during[i]` runs inside call i. Returns what each call found. */
  async function milestone(during: Array<() => void>, opts: WatchOptions[] = []) {
    const watch = integrityWatcher(() => clock);
    const found: string[][] = [];
    for (let i = 0; i < during.length; i++) {
      const changed = await watch(state, undefined, opts[i]);
      during[i]!();
      found.push(await changed());
      clock += 100;
    }
    return found;
  }
  const nothing = () => {};

  it('with nothing changed, three calls find nothing', async () => {
    setUp(false);
    expect(await milestone([nothing, nothing, nothing])).toEqual([[], [], []]);
  });

  it('a tag created in the second call is found by that call', async () => {
    setUp(false);
    const found = await milestone([nothing, () => git(state.work_dir, 'tag', 'v1'), nothing]);
    expect(found[1]).toEqual([expect.stringContaining('ref refs/tags/v1 was created')]);
    expect(found[2]).toEqual([]);
  });

  it('a branch moved inside packed-refs (no loose file) is found', async () => {
    setUp(false);
    git(state.work_dir, 'pack-refs', '--all');
    const other = git(state.work_dir, 'commit-tree', 'HEAD^{tree}', '-m', 'x').trim();
    const packed = path.join(state.work_dir, '.git', 'packed-refs');
    const movePacked = () => {
      const text = fs.readFileSync(packed, 'utf8').replace(/^[0-9a-f]{40} refs\/heads\/main$/m, `${other} refs/heads/main`);
      fs.writeFileSync(packed, text);
    };
    const found = await milestone([nothing, movePacked]);
    expect(found[1]).toEqual([expect.stringMatching(/ref refs\/heads\/main moved .* to [0-9a-f]{12}/)]);
  });

  it('a global config written where none was (~/.gitconfig) is found', async () => {
    setUp(false);
    const found = await milestone([nothing, () => fs.writeFileSync(path.join(home, '.gitconfig'), '[core]\n\thooksPath = /tmp/evil\n')]);
    expect(found[1]).toEqual([expect.stringContaining('+ core.hookspath=/tmp/evil')]);
  });

  it('an edit of the file a symlinked ~/.gitconfig points at is found', async () => {
    setUp(false);
    const target = path.join(home, 'dotfiles-gitconfig');
    fs.writeFileSync(target, '[user]\n\tname = me\n');
    fs.symlinkSync(target, path.join(home, '.gitconfig'));
    const found = await milestone([nothing, () => fs.appendFileSync(target, '[alias]\n\tst = !sh -c evil\n')]);
    expect(found[1]).toEqual([expect.stringContaining('+ alias.st=!sh -c evil')]);
  });

  it('a file an include names, created only during the call, is found', async () => {
    setUp(false);
    git(state.work_dir, 'config', 'include.path', 'extra.cfg');
    const found = await milestone([nothing, () => fs.writeFileSync(path.join(state.work_dir, '.git', 'extra.cfg'), '[core]\n\tfsmonitor = /tmp/evil\n')]);
    expect(found[1]).toEqual([expect.stringContaining('+ core.fsmonitor=/tmp/evil')]);
  });

  it("the run's config ref, moved during a call, is found though runr's other refs are not watched", async () => {
    setUp(false);
    const ref = 'refs/runr/config/r1';
    git(state.work_dir, 'update-ref', ref, 'HEAD');
    const other = git(state.work_dir, 'commit-tree', 'HEAD^{tree}', '-m', 'x').trim();
    const found = await milestone([() => git(state.work_dir, 'update-ref', 'refs/runr/config/r2', other), () => git(state.work_dir, 'update-ref', ref, other)]);
    expect(found[0]).toEqual([]);
    expect(found[1]).toEqual([expect.stringContaining(`ref ${ref} moved`)]);
  });

  it('your checkout edited during a call that cannot write it is found by that call: its file events ask for a look', async () => {
    setUp(true);
    const edit = () => fs.writeFileSync(path.join(state.repo_root, 'a.txt'), 'edited\n');
    const found = await milestone([nothing, edit, nothing], [{ checkout: false }, { checkout: false }, { checkout: false }]);
    expect(found[0]).toEqual([]);
    expect(found[1]).toEqual([expect.stringMatching(/files in your checkout .* changed: a\.txt/)]);
  });

  it('your checkout edited during a call that looks at it is found by that call', async () => {
    setUp(true);
    const found = await milestone([nothing, () => fs.writeFileSync(path.join(state.repo_root, 'b.txt'), 'new\n')]);
    expect(found[1]).toEqual([expect.stringMatching(/files in your checkout .* changed: b\.txt/)]);
  });
});
