import fs from 'node:fs';
import path from 'node:path';
import { gitExec } from '../../git/git.js';
import { dirsOf } from '../../util/dirs-of.js';

/**
 * File events in your checkout (worktree mode): after a call that cannot write it (confined, where it is
 * read-only), the integrity watch looks at it again only when something happened in it since the last
 * look, instead of walking it after every such call. Every directory that holds a tracked file (with
 * its parents) or an untracked one is watched (inotify); a new directory shows up in its parent.
 * Whatever the watcher cannot vouch for counts as an event: a directory it could not watch, an error.
 */
export interface CheckoutEvents {
  /** A point to compare with later; take it just before a look. */
  mark(): number;
  /** Whether anything happened in the checkout since `mark`, events the kernel has queued by now included. */
  since(mark: number): Promise<boolean>;
  /** Watches these directories too (of untracked files a look found), from now on. */
  add(dirs: Iterable<string>): void;
  close(): void;
}

/** runr's own entries in your checkout, which it writes during a run; git's directory is watched by other means. */
const OWN_ENTRIES = new Set(['.git', '.runr']);

/** A turn of the event loop that includes its poll phase, where events the kernel queued are read. */
const pollTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Starts watching your checkout `root`: its tracked files' directories (read from its index, no walk). */
export async function watchCheckout(root: string): Promise<CheckoutEvents> {
  let count = 0;
  let unsure = false;
  const watchers = new Map<string, fs.FSWatcher>();
  const add = (dirs: Iterable<string>) => {
    for (const dir of dirs) {
      if (watchers.has(dir) || OWN_ENTRIES.has(dir.split('/')[0]!)) continue;
      try {
        const w = fs.watch(path.join(root, dir), { persistent: false }, (_type, name) => {
          const entry = name === null ? null : String(name);
          if (dir === '' && entry !== null && OWN_ENTRIES.has(entry)) return;
          count++;
        });
        w.on('error', () => {
          unsure = true;
        });
        watchers.set(dir, w);
      } catch {
        unsure = true; // gone since the index named it, or out of inotify watches
      }
    }
  };
  try {
    const { stdout } = await gitExec(root, ['ls-files', '-z']);
    add(dirsOf(stdout.split('\0').filter(Boolean)));
  } catch {
    unsure = true;
  }
  return {
    mark: () => count,
    since: async (mark) => {
      await pollTurn();
      return unsure || count !== mark;
    },
    add,
    close: () => {
      for (const w of watchers.values()) w.close();
      watchers.clear();
      unsure = true;
    },
  };
}
