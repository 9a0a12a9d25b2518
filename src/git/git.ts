import { simpleGit, type SimpleGit } from 'simple-git';

/**
 * simple-git refuses to run when the environment holds variables such as EDITOR, PAGER or
 * GIT_SSH_COMMAND. Here the environment is the operator's own (not untrusted input) and runr never
 * runs an interactive git command, so those are allowed; argument checks stay on.
 */
const USERS_OWN_ENVIRONMENT = {
  allowUnsafeEditor: true,
  allowUnsafePager: true,
  allowUnsafeAskPass: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeTemplateDir: true,
  // runr itself passes -c core.hooksPath=/dev/null to its commits, so no hook a worker wrote runs.
  allowUnsafeHooksPath: true,
};

/**
 * A git client rooted at `cwd`. Note: simple-git waits a fixed 50 ms after a command that printed
 * nothing, so commands on the per-milestone path are run in a form that prints (add --verbose,
 * commit without -q).
 */
export function gitAt(cwd: string, env: Record<string, string> = {}): SimpleGit {
  const git = simpleGit({ baseDir: cwd, trimmed: false, unsafe: USERS_OWN_ENVIRONMENT });
  const merged = { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0' } as Record<string, string>;
  return git.env(merged);
}

export async function raw(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return gitAt(cwd, env).raw(args);
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

/** Environment for commits: the user's identity when git has one, runr's otherwise (one git call that always prints). */
export async function commitEnv(cwd: string): Promise<Record<string, string>> {
  return (await rawOrNull(cwd, ['var', 'GIT_COMMITTER_IDENT'])) && (await rawOrNull(cwd, ['var', 'GIT_AUTHOR_IDENT'])) ? {} : COMMIT_IDENTITY;
}

/**
 * Whether a git command exits 0: for questions git answers only with its exit code (`merge-base
 * --is-ancestor`, `rev-parse --verify -q`). simple-git resolves a failing command that prints
 * nothing on stderr as if it had succeeded, so these go through execa.
 */
export async function gitSucceeds(cwd: string, args: string[]): Promise<boolean> {
  const { execa } = await import('execa');
  return (await execa('git', args, { cwd, reject: false, stdin: 'ignore' })).exitCode === 0;
}
