import { spawn } from 'node:child_process';

export interface Collected {
  stdout: string;
  stderr: string;
  /** The exit code; null when a signal ended the process or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it never started (a missing program or directory). */
  error: string | null;
}

/**
 * Runs a short program to its end and returns what it printed, through node's own child_process: for
 * the git commands and probes on a run's hot path, where loading execa (~100 modules) would cost more
 * than the program. Long-lived processes (workers, verification) go through util/process.ts.
 */
export function spawnCollected(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<Collected> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs,
      stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    const text = (bs: Buffer[]) => Buffer.concat(bs).toString('utf8');
    child.on('error', (e) => resolve({ stdout: text(out), stderr: text(err), code: null, signal: null, error: e.message }));
    child.on('close', (code, signal) => resolve({ stdout: text(out), stderr: text(err), code, signal, error: null }));
    if (child.stdin) {
      child.stdin.on('error', () => {}); // the program may exit without reading all of it (EPIPE); its exit code tells
      child.stdin.end(opts.input);
    }
  });
}
