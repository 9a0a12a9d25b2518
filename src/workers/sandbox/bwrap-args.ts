import fs from 'node:fs';
import path from 'node:path';

/**
 * bubblewrap's arguments for one confined process. Everything is read-only but what is listed here
 * as writable; /tmp is a private, empty tmpfs; the process sees its own pid namespace (it cannot
 * signal, trace or read the memory of runr or any other process) and has no capabilities (as root
 * it could otherwise remount the read-only binds). The network stays open.
 */
export const BWRAP_BASE = [
  '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--cap-drop', 'ALL',
  '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp',
] as const;

/** Where a confined process works, and what it may write. All paths absolute and resolved (no symlinks). */
export interface SandboxLayout {
  repoRoot: string;
  /** The run's worktree, or the repository itself for a run in place. */
  workDir: string;
  runDir: string;
  /** The repository's (common) git directory, when it has one. */
  gitCommonDir: string | null;
  /** The worktree's own git directory, `<gitCommonDir>/worktrees/<name>` (worktree mode only). */
  worktreeGitDir: string | null;
  /** Further writable paths: the user's `sandbox_writable`, the worker CLI's own state, its temp dir. */
  writable: string[];
  /**
   * Replaced by an empty, private tmpfs (a directory) or /dev/null (a socket): sockets that would let a
   * process act outside the sandbox (a session bus can start programs, a Docker socket runs containers),
   * and a temp dir of its own.
   */
  hidden: string[];
  /** Read-only paths under /tmp that must stay visible through its private tmpfs (runr's own install there). */
  readable?: string[];
  /** The working directory read-only as well (a reviewer's call): nothing in it, or in its git directories, is opened. */
  readOnlyWork?: boolean;
}

/** What a path is, for bubblewrap (which binds only what exists). */
export type PathKind = 'dir' | 'other' | null;

function kindOf(p: string): PathKind {
  try {
    return fs.statSync(p).isDirectory() ? 'dir' : 'other';
  } catch {
    return null;
  }
}

type Mount = 'ro' | 'rw' | 'hide';

const within = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);

/**
 * Mounts in order of depth, so that a deeper one overrides the one above it. When two rules name
 * the same path, the higher rank wins: hidden sockets (0) may be opened again by the user's paths (1),
 * which never open what runr protects (2); runr opens what git needs inside that (3), and closes what
 * would let a worker redirect git (4).
 */
export function bwrapArgs(layout: SandboxLayout, kind: (p: string) => PathKind = kindOf): string[] {
  const { repoRoot, workDir, runDir, gitCommonDir: common, worktreeGitDir: admin } = layout;
  const inPlace = workDir === repoRoot;
  const readOnly = layout.readOnlyWork === true;
  const mounts = new Map<string, { mount: Mount; rank: number }>();
  const bind = (p: string | null, mount: Mount | boolean, rank: number) => {
    if (!p || !kind(p)) return;
    const prev = mounts.get(p);
    if (!prev || rank >= prev.rank) mounts.set(p, { mount: mount === true ? 'rw' : mount === false ? 'ro' : mount, rank });
  };

  for (const p of layout.hidden) bind(p, 'hide', 0);
  for (const p of layout.readable ?? []) bind(p, false, 0);
  // The checkout: readable (a worktree sees its node_modules), writable only for a run in place.
  bind(repoRoot, inPlace && !readOnly, 0);
  const protectedDirs = [path.join(repoRoot, '.runr'), runDir, ...(common ? [common] : [])];
  const opened = readOnly ? [] : [workDir, ...(common ? [path.join(common, 'objects')] : []), ...(admin ? [admin] : [])];
  for (const p of layout.writable) {
    if (p === '/') continue; // would undo the whole confinement (and hide /dev, /proc and /tmp)
    const closed = (protectedDirs.some((d) => within(p, d)) && !opened.some((d) => within(p, d))) || (readOnly && within(p, workDir));
    if (!closed) bind(p, true, 1);
  }
  if (readOnly) bind(workDir, false, 3);
  for (const d of protectedDirs) bind(d, false, 2);
  // In place, the repository's .git may be a file (the repository is itself a linked worktree).
  bind(path.join(repoRoot, '.git'), false, 2);
  for (const d of opened) bind(d, true, 3);
  if (common) bind(path.join(common, 'objects', 'info'), false, 4); // alternates: objects from elsewhere
  if (admin) for (const f of ['commondir', 'gitdir', 'config.worktree']) bind(path.join(admin, f), false, 4);
  if (!inPlace) bind(path.join(workDir, '.git'), false, 4); // the `gitdir:` file runr's own git commands follow

  const ordered = [...mounts.entries()].sort(([a], [b]) => depth(a) - depth(b) || a.localeCompare(b));
  const args: string[] = [...BWRAP_BASE];
  for (const [p, { mount }] of ordered) {
    if (mount === 'hide') args.push(...(kind(p) === 'dir' ? ['--tmpfs', p] : ['--ro-bind', '/dev/null', p]));
    else args.push(mount === 'rw' ? '--bind' : '--ro-bind', p, p);
  }
  args.push('--chdir', workDir);
  return args;
}
