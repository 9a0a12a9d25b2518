import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import type { Hide } from './clean-cut.js';
import { HeadTail } from './head-tail.js';
import { KEEP_IN_MEMORY } from './output-limits.js';
import { signalTagged, signalTree, TAG_VAR } from './process-tree.js';
import { findExecutable } from './which.js';

export interface RunProcessOptions {
  file: string;
  args?: string[];
  /** Run `file` through the shell (verification commands are shell lines). */
  shell?: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
  input?: string;
  /** Kill when nothing is printed for this long. */
  stallMs?: number;
  /** Kill when the process runs longer than this. */
  timeoutMs?: number;
  /** Kill at this wall-clock instant (the run's time budget). */
  deadlineMs?: number;
  /** Once `isDone(recentStdout)` holds, the process may linger this long before it is killed. */
  graceMs?: number;
  /** Asked soon after a chunk of stdout with a `}` in it (at most every 100 ms), given the last 64 KiB of stdout. */
  isDone?: (recentStdout: string) => boolean;
  /** Redacts the outcome's stdout, stderr and all (the cuts between their heads and tails split no secret). */
  hide?: Hide;
  /** Checked after every chunk of output: true ends the process at once ('aborted'). */
  shouldAbort?: () => boolean;
  /**
   * Given every chunk as it arrives. When it throws (a transcript the disk refuses), the process tree
   * is killed at once and runProcess rejects with that error once the child has gone.
   */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Once aborted, the process tree is killed at once ('aborted'); already aborted, nothing is started. */
  signal?: AbortSignal;
  onSpawn?: (pid: number) => void;
  /**
   * Marks the child and all its descendants (as RUNR_PROC_TAG) so that every one of them can be
   * found and ended, even in other process groups. Defaults to a tag unique to this call.
   */
  tag?: string;
  /** When runr ends a process, it asks with `stopSignal` (default SIGTERM) and kills after this long (default 3 s). */
  termGraceMs?: number;
  stopSignal?: NodeJS.Signals;
  /** Run confined: `bwrap <args> -- <file> <args…>` (the arguments come from workers/sandbox). */
  sandbox?: { bwrap: string; args: string[] };
  /**
   * Once the child has exited, how long its leftovers (a background job still holding stdout) may
   * go on printing before they are killed (default 1 s). The child's own exit decides the outcome.
   */
  exitDrainMs?: number;
}

export type ProcessEnd = 'exit' | 'stall' | 'timeout' | 'deadline' | 'grace' | 'spawn_error' | 'aborted';

/**
 * Never a whole output: each stream is kept as its head and tail (util/output-limits), the middle
 * replaced by a line saying how many bytes were dropped, and redacted by `hide` when given.
 */
export interface ProcessOutcome {
  end: ProcessEnd;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  all: string;
  /** The end of stdout, raw (not redacted), without the omission note: all of it, or its last 1 MiB. */
  stdoutEnd: string;
  durationMs: number;
  spawnError?: string;
}

/** How much of stdout's end `isDone` is shown, and how often at most it is asked. */
export const RECENT_STDOUT = 65_536;
const DONE_CHECK_MS = 100;

/** Kills a process group and everything carrying the tag, at once. */
export function killTree(pid: number | undefined, tag?: string): void {
  signalTree(pid, tag, 'SIGKILL');
}

/**
 * Runs a child in its own process group, watching for silence, overruns and a lingering exit
 * after the final result; whatever ends it, the whole tree is killed.
 */
export async function runProcess(opts: RunProcessOptions): Promise<ProcessOutcome> {
  const started = Date.now();
  let end: ProcessEnd = 'exit';
  const stdout = new HeadTail(KEEP_IN_MEMORY.stdout);
  const stderr = new HeadTail(KEEP_IN_MEMORY.stderr);
  const all = new HeadTail(KEEP_IN_MEMORY.all);
  const texts = () => ({ stdout: stdout.join(opts.hide), stderr: stderr.join(opts.hide), all: all.join(opts.hide), stdoutEnd: stdout.end() });
  const tag = opts.tag ?? `${process.pid}-${randomUUID()}`;
  if (opts.signal?.aborted) return { end: 'aborted', exitCode: null, ...texts(), durationMs: 0 };
  const command = confined(opts);
  if (!command) {
    const spawnError = `spawn ${opts.file} ENOENT`;
    return { end: 'spawn_error', exitCode: null, ...texts(), durationMs: Date.now() - started, spawnError };
  }
  const child = execa(command.file, command.args, {
    cwd: opts.cwd,
    env: { ...opts.env, [TAG_VAR]: tag },
    extendEnv: false,
    shell: command.shell,
    input: opts.input ?? '',
    detached: true,
    reject: false,
    buffer: false,
    stripFinalNewline: false,
    windowsHide: true,
  });
  const pid = child.pid;
  if (pid) opts.onSpawn?.(pid);

  const timers: NodeJS.Timeout[] = [];
  // Ask first (an agent CLI then stops the tool commands it started), kill what is left after the grace.
  let exited = false;
  const stopWith = (why: ProcessEnd) => {
    // After the child's own exit only its leftovers remain: end them, the outcome stands.
    if (exited) return killTree(pid, tag);
    if (end !== 'exit') return;
    end = why;
    if (opts.sandbox) signalTagged(tag, opts.stopSignal ?? 'SIGTERM', pid);
    else signalTree(pid, tag, opts.stopSignal ?? 'SIGTERM');
    timers.push(setTimeout(() => killTree(pid, tag), opts.termGraceMs ?? 3_000));
  };
  // Cancellation and a failed output write end the tree without asking: nothing of it is wanted any more.
  const killNow = () => {
    if (end === 'exit' && !exited) end = 'aborted';
    killTree(pid, tag);
  };
  let outputError = null as { error: unknown } | null; // set in a callback: not narrowed away
  opts.signal?.addEventListener('abort', killNow, { once: true });
  let stallTimer: NodeJS.Timeout | undefined;
  const armStall = () => {
    if (!opts.stallMs) return;
    if (stallTimer) clearTimeout(stallTimer);
    stallTimer = setTimeout(() => stopWith('stall'), opts.stallMs);
  };
  let graceTimer: NodeJS.Timeout | undefined;
  // isDone reads the end of stdout: asked at most every DONE_CHECK_MS, however many chunks arrive.
  let doneTimer: NodeJS.Timeout | undefined;
  let doneCheckedAt = 0;
  const checkDone = () => {
    doneTimer = undefined;
    doneCheckedAt = Date.now();
    if (!opts.isDone?.(stdout.last(RECENT_STDOUT))) return;
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = setTimeout(() => stopWith('grace'), opts.graceMs);
  };
  const onChunk = (stream: 'stdout' | 'stderr') => (text: string) => {
    (stream === 'stdout' ? stdout : stderr).push(text);
    all.push(text);
    if (!outputError && opts.onOutput) {
      try {
        opts.onOutput(text, stream);
      } catch (error) {
        outputError = { error };
        killNow();
      }
    }
    if (opts.shouldAbort?.()) stopWith('aborted');
    armStall();
    if (stream === 'stdout' && opts.isDone && opts.graceMs && text.includes('}') && !doneTimer) {
      doneTimer = setTimeout(checkDone, Math.max(0, doneCheckedAt + DONE_CHECK_MS - Date.now()));
    }
  };
  // Decoded as streams, so that a character split across two chunks stays whole.
  child.stdout?.setEncoding('utf8').on('data', onChunk('stdout'));
  child.stderr?.setEncoding('utf8').on('data', onChunk('stderr'));
  armStall();
  if (opts.timeoutMs) timers.push(setTimeout(() => stopWith('timeout'), opts.timeoutMs));
  if (opts.deadlineMs) timers.push(setTimeout(() => stopWith('deadline'), Math.max(0, opts.deadlineMs - Date.now())));
  // execa settles only when stdout and stderr close; a background job that inherited them would
  // otherwise keep a finished command "running" until it timed out.
  let drainTimer: NodeJS.Timeout | undefined;
  child.once('exit', () => {
    exited = true;
    drainTimer = setTimeout(() => killTree(pid, tag), opts.exitDrainMs ?? 1_000);
  });

  const result = await child;
  opts.signal?.removeEventListener('abort', killNow);
  for (const t of [...timers, stallTimer, graceTimer, doneTimer, drainTimer]) if (t) clearTimeout(t);
  // Descendants that outlived their parent go too. In the sandbox there are none left: the child is bwrap,
  // whose pid namespace the kernel empties when it ends, so /proc need not be searched for them.
  killTree(pid, opts.sandbox ? undefined : tag);
  if (outputError) throw outputError.error;
  const spawnError = !pid || (result.failed && result.exitCode === undefined && !result.signal && end === 'exit')
    ? (result as { originalMessage?: string }).originalMessage ?? result.message
    : undefined;
  return {
    end: spawnError ? 'spawn_error' : end,
    exitCode: result.exitCode ?? null,
    ...texts(),
    durationMs: Date.now() - started,
    spawnError,
  };
}

/**
 * The command to spawn: as given, or wrapped in bubblewrap. bwrap reports a missing program only as
 * its own exit code 1, so a confined program is looked up first and a missing one is a spawn error (null).
 */
function confined(opts: RunProcessOptions): { file: string; args: string[]; shell: boolean } | null {
  if (!opts.sandbox) return { file: opts.file, args: opts.args ?? [], shell: opts.shell ?? false };
  let command: string[];
  if (opts.shell) command = ['/bin/sh', '-c', opts.file];
  else if (findExecutable(opts.file, opts.env, opts.cwd)) command = [opts.file, ...(opts.args ?? [])];
  else return null;
  return { file: opts.sandbox.bwrap, args: [...opts.sandbox.args, '--', ...command], shell: false };
}
