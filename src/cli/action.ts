import { exitFlushed } from './flush.js';
import { reportError } from './render/output.js';

export type Action = (...args: any[]) => Promise<number>;
/** Imports a command's module: commands are imported only when they run, so `runr status` loads little. */
export type Load = () => Promise<{ default: Action }>;

/** Runs a command with the arguments commander gives actions (positional arguments, the options, the command), then exits with its code. */
export async function runAction(load: Load, args: unknown[]): Promise<void> {
  // The options are the first object: positional arguments are strings (or arrays of them).
  const opts = args.find((a) => typeof a === 'object' && a !== null && !Array.isArray(a)) as { json?: boolean } | undefined;
  let code: number;
  try {
    const { default: action } = await load();
    code = await action(...args);
  } catch (err) {
    code = reportError(err, Boolean(opts?.json));
  }
  // Every command is one-shot: once it has answered (and its output is flushed), leave, rather than
  // wait for timers a library left behind (chokidar keeps a 1 s rescan throttle alive after close()).
  await exitFlushed(code);
}

/** A commander action that runs the command `load` imports. */
export const lazy = (load: Load) => (...args: unknown[]) => runAction(load, args);
