import { simpleGit, type SimpleGit } from 'simple-git';

/** A git client rooted at `cwd`. Identity falls back to runr's own when the repo has none configured. */
export function gitAt(cwd: string, env: Record<string, string> = {}): SimpleGit {
  const git = simpleGit({ baseDir: cwd, trimmed: false });
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

/** Environment for commits: the user's identity when configured, runr's otherwise. */
export async function commitEnv(cwd: string): Promise<Record<string, string>> {
  const email = (await rawOrNull(cwd, ['config', 'user.email']))?.trim();
  const name = (await rawOrNull(cwd, ['config', 'user.name']))?.trim();
  return email && name ? {} : COMMIT_IDENTITY;
}
