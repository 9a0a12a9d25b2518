import { spawn } from 'node:child_process';
import { hardenedEnv } from './git.js';

/**
 * The raw bytes of `<rev>:<path>` as a stream (no filter or conversion: cat-file blob), empty when
 * the path does not exist there. Streamed, so that a huge file is never held in memory.
 */
export async function* blobBytes(cwd: string, rev: string, repoPath: string): AsyncGenerator<Buffer> {
  const child = spawn('git', ['cat-file', 'blob', `${rev}:${repoPath}`], { cwd, env: hardenedEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
  } finally {
    if (child.exitCode === null) child.kill();
    await exited;
  }
}
