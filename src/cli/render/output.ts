import pc from 'picocolors';
import { RunrError } from '../../contracts/errors.js';
import { EXIT, type ExitCode } from '../../contracts/exit-codes.js';
import { WriteFailedError, writeFailureOf } from '../../engine/write-failure.js';

/** The only place that writes to stdout/stderr. With --json, stdout carries JSON only. */
export interface Output {
  json: boolean;
  /** A JSON object on stdout (one line). */
  data(value: unknown): void;
  /** Human text: stdout normally, stderr in --json mode. */
  say(text: string): void;
  /** Human text that always goes to stderr. */
  note(text: string): void;
  colors: ReturnType<typeof pc.createColors>;
  /** Spinners allowed: a terminal, and colours not turned off (NO_COLOR, TERM=dumb). */
  interactive: boolean;
}

export function colorEnabled(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

export function createOutput(json: boolean): Output {
  const human = json ? process.stderr : process.stdout;
  return {
    json,
    data: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
    say: (text) => human.write(`${text}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
    colors: pc.createColors(colorEnabled(human)),
    // A terminal that reports no width (some bare ptys) makes a spinner's line clearing run away.
    interactive: colorEnabled(human) && Boolean((human as NodeJS.WriteStream).columns),
  };
}

/** Prints an error as one line (and `{"error":{code,message}}` on stdout with --json); returns its exit code. */
export function reportError(thrown: unknown, json: boolean): ExitCode {
  const refused = thrown instanceof RunrError ? null : writeFailureOf(thrown);
  const err = refused ? new WriteFailedError(refused, 'a file') : thrown;
  const known = err instanceof RunrError;
  const code = known ? err.code : 'internal_error';
  const message = err instanceof Error ? err.message : String(err);
  const exit = known ? err.exitCode : EXIT.stopped;
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  const prefix = colorEnabled(process.stderr) ? pc.red('Error:') : 'Error:';
  process.stderr.write(`${prefix} ${known ? message : `internal error: ${message}`}\n`);
  if ((!known || refused) && process.env.RUNR_DEBUG && thrown instanceof Error) process.stderr.write(`${thrown.stack}\n`);
  return exit;
}
