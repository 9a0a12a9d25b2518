import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../util/package-root.js';
import { bwrapArgs } from './bwrap-args.js';

/** What the engine hands a worker adapter or the verification runner when the process is to run confined. */
export interface SandboxSpec {
  bwrap: string;
  repoRoot: string;
  workDir: string;
  runDir: string;
  /** Writable paths as the config declares them: `~` is the process's HOME, a relative path is in the repository. */
  writable: string[];
  /** The working directory read-only too (a reviewer), whatever `writable` lists in it. */
  readOnlyWork?: boolean;
}

/** A program's own state, writable when it runs confined. Missing directories are created first (it could not). */
export interface OwnPaths {
  dirs?: string[];
  files?: string[];
}

export interface Confinement {
  bwrap: string;
  args: string[];
  /** The paths writable besides the worktree and /tmp (for the transcript). */
  writable: string[];
  readOnlyWork?: boolean;
}

/** A path with its symlinks resolved, as bubblewrap binds it; null when it does not exist. */
export const real = (p: string): string | null => {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return null;
  }
};

export function expandHome(p: string, home: string, base: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return path.resolve(base, p);
}

/** The git directory of a checkout: `.git` itself, or where its `gitdir:` file points. */
function gitDirOf(dir: string): string | null {
  const dotGit = path.join(dir, '.git');
  try {
    if (fs.statSync(dotGit).isDirectory()) return real(dotGit);
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
    return m ? real(path.resolve(dir, m[1]!)) : null;
  } catch {
    return null;
  }
}

function commonDirOf(gitDir: string): string {
  try {
    return real(path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim())) ?? gitDir;
  } catch {
    return gitDir;
  }
}

/**
 * The repository's common git dir, and the worktree's own one. The latter is read from the worktree's
 * `.git` file, which a worker could have rewritten outside the sandbox: it is only taken when it is one
 * of the repository's worktree directories.
 */
export function gitDirs(repoRoot: string, workDir: string): { common: string | null; admin: string | null } {
  const repoGit = gitDirOf(repoRoot);
  const common = repoGit ? commonDirOf(repoGit) : null;
  if (!common || real(workDir) === real(repoRoot)) return { common, admin: null };
  const admin = gitDirOf(workDir);
  return { common, admin: admin && path.dirname(admin) === path.join(common, 'worktrees') ? admin : null };
}

/**
 * Replaced by an empty directory or a dead socket: the user's runtime directory (session bus, systemd
 * --user, keyring and ssh agents, rootless Docker) and the Docker socket, since a socket stays
 * connectable on a read-only filesystem and these would run programs outside the sandbox; and a
 * `$TMPDIR` other than /tmp, which becomes private like /tmp (ssh-agent puts its socket there).
 */
function hiddenPaths(env: Record<string, string | undefined>): string[] {
  const runtime = env.XDG_RUNTIME_DIR || (process.getuid ? `/run/user/${process.getuid()}` : null);
  const found = [runtime, '/run/docker.sock', '/var/run/docker.sock', env.TMPDIR].flatMap((p) => (p ? [real(p)] : []));
  return [...new Set(found.filter((p): p is string => p !== null && p !== '/tmp'))];
}

/**
 * runr's own install (its package root) when it lies under /tmp (a checkout in a temp dir): the private
 * /tmp would hide it, and with it the workers and CLIs it ships or runs.
 */
function runrRootUnderTmp(): string[] {
  const root = real(packageRoot());
  return root && (root === '/tmp' || root.startsWith('/tmp/')) ? [root] : [];
}

/** The bubblewrap command line that confines one process with this environment. */
export function confine(spec: SandboxSpec, env: Record<string, string | undefined>, own: OwnPaths = {}): Confinement {
  const home = env.HOME || os.homedir();
  for (const dir of own.dirs ?? []) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch {
      /* not ours to create: it stays unwritable */
    }
  }
  const declared = [...spec.writable.map((p) => expandHome(p, home, spec.repoRoot)), ...(own.dirs ?? []), ...(own.files ?? [])];
  const writable = [...new Set(declared.map(real).filter((p): p is string => p !== null))];
  const repoRoot = real(spec.repoRoot) ?? spec.repoRoot;
  const workDir = real(spec.workDir) ?? spec.workDir;
  const { common, admin } = gitDirs(repoRoot, workDir);
  const args = bwrapArgs({
    repoRoot, workDir, runDir: real(spec.runDir) ?? spec.runDir, gitCommonDir: common, worktreeGitDir: admin, writable, hidden: hiddenPaths(env),
    readable: runrRootUnderTmp(), readOnlyWork: spec.readOnlyWork,
  });
  const inWork = (p: string) => p === workDir || p.startsWith(`${workDir}/`);
  return { bwrap: spec.bwrap, args, writable: spec.readOnlyWork ? writable.filter((p) => !inWork(p)) : writable, readOnlyWork: spec.readOnlyWork };
}

/** One transcript line saying how a process ran. */
export function describeConfinement(c: Confinement | null, why: string): string {
  if (!c) return `unconfined (${why})`;
  const open = c.writable.length ? ` and ${c.writable.join(', ')}` : '';
  return c.readOnlyWork ? `bubblewrap: read-only (the working directory too) but a private /tmp${open}` : `bubblewrap: read-only but the working directory, a private /tmp${open}`;
}
