import { spawnCollected } from '../util/spawn-collected.js';

/**
 * Repository config that runs programs inside git commands (hooks, an fsmonitor daemon). A worker can
 * plant it; runr's own git commands never run it. Filters and attributes are covered differently:
 * checkpoints hash the files' raw bytes (verified-tree.ts) and any config change during a worker
 * call stops the run (engine/integrity).
 */
const NEUTRALISED: readonly [string, string][] = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
];

/**
 * The environment of every git command runr runs: the caller's, with NEUTRALISED (and `overrides`)
 * appended as GIT_CONFIG_* settings, which win over every config file.
 */
export function hardenedEnv(extra: Record<string, string> = {}, overrides: readonly [string, string][] = []): Record<string, string> {
  const env = { ...process.env, ...extra, GIT_TERMINAL_PROMPT: '0' } as Record<string, string>;
  const count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  [...NEUTRALISED, ...overrides].forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${count + i}`] = key;
    env[`GIT_CONFIG_VALUE_${count + i}`] = value;
  });
  env.GIT_CONFIG_COUNT = String(count + NEUTRALISED.length + overrides.length);
  return env;
}

/** A git command's stdout; throws GitCommandError when it exits non-zero. */
export async function raw(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return (await gitExec(cwd, args, { env })).stdout;
}

/** Like raw() but returns null instead of throwing when git exits non-zero. */
export async function rawOrNull(cwd: string, args: string[]): Promise<string | null> {
  try {
    return await raw(cwd, args);
  } catch {
    return null;
  }
}

export const COMMIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'runr',
  GIT_AUTHOR_EMAIL: 'runr@localhost',
  GIT_COMMITTER_NAME: 'runr',
  GIT_COMMITTER_EMAIL: 'runr@localhost',
};

const identityKnown = new Map<string, Promise<boolean>>();

/**
 * Environment for commits: the user's identity when git has one, runr's otherwise. Asked once per
 * repository and process (a change of git config during a run stops it, engine/integrity).
 */
export async function commitEnv(cwd: string): Promise<Record<string, string>> {
  let known = identityKnown.get(cwd);
  if (!known) {
    known = (async () => Boolean((await rawOrNull(cwd, ['var', 'GIT_COMMITTER_IDENT'])) && (await rawOrNull(cwd, ['var', 'GIT_AUTHOR_IDENT']))))();
    identityKnown.set(cwd, known);
  }
  return (await known) ? {} : COMMIT_IDENTITY;
}

/**
 * Whether a git command exits 0: for questions git answers only with its exit code (`merge-base
 * --is-ancestor`, `rev-parse --verify -q`).
 */
export async function gitSucceeds(cwd: string, args: string[]): Promise<boolean> {
  return (await gitExec(cwd, args, { reject: false })).exitCode === 0;
}

/** What git said, in one line: its `fatal:` and `error:` lines (they name the file or ref), else its last two lines. */
function gist(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.trim());
  const said = lines.filter((l) => /^(fatal|error): /.test(l));
  return (said.length ? said : lines.slice(-2)).join(' ');
}

export class GitCommandError extends Error {
  constructor(readonly args: string[], readonly stderr: string, readonly exitCode: number | undefined) {
    super(`git ${args.join(' ')} failed (exit ${exitCode ?? 'none'}): ${gist(stderr)}`);
  }
}

/**
 * Plumbing that needs stdin or a reliable exit code (hash-object, update-index --index-info,
 * update-ref with an expected old value), and every other git command runr runs. Throws
 * GitCommandError unless `reject: false`. Through util/spawn-collected.ts, not execa: git runs some
 * 25 times per milestone and before a run's first journal event (issue 12).
 */
export async function gitExec(
  cwd: string,
  args: string[],
  opts: { env?: Record<string, string>; input?: string; reject?: boolean; config?: readonly [string, string][] } = {},
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await spawnCollected('git', args, { cwd, env: hardenedEnv(opts.env, opts.config), input: opts.input });
  const exitCode = r.code ?? -1;
  const stderr = r.error ? `${r.stderr}${r.error}` : r.stderr;
  if (exitCode !== 0 && opts.reject !== false) throw new GitCommandError(args, stderr, exitCode);
  return { stdout: r.stdout, stderr, exitCode };
}
