import { RunrError } from '../../contracts/errors.js';
import { EXIT, type ExitCode } from '../../contracts/exit-codes.js';
import { WriteFailedError, writeFailureOf } from '../../engine/write-failure.js';
import { colorsFor, paint, type Colors } from './symbols.js';

/** The only place that writes to stdout/stderr. With --json, stdout carries JSON only. */
export interface Output {
  json: boolean;
  /** A JSON object on stdout: indented on a terminal when the command prints one document, else one line (see jsonText). */
  data(value: unknown): void;
  /** Human text: stdout normally, stderr in --json mode. */
  say(text: string): void;
  /** Human text that always goes to stderr. */
  note(text: string): void;
  colors: Colors;
  /** Spinners allowed: a terminal, and colours not turned off (NO_COLOR, TERM=dumb). */
  interactive: boolean;
}

export function colorEnabled(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

/**
 * How a command's stdout JSON is laid out: `document`, one object and done (status, report, wait…); `stream`, objects
 * a program reads line by line as they come (follow, watch, and the start line of a command that then executes).
 */
export type JsonShape = 'document' | 'stream';

/**
 * A JSON value as written to stdout: a document on a terminal is indented (2 spaces) for a person to read; anything
 * piped or redirected, and every object of a stream, is one line, so `--json` to a program is the same everywhere.
 */
export function jsonText(value: unknown, shape: JsonShape, terminal: boolean): string {
  return `${shape === 'document' && terminal ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`;
}

/** Set once a command declares its stdout a stream: an error ending it then stays one line too. */
let stdoutShape: JsonShape = 'document';

const writeJson = (value: unknown) => process.stdout.write(jsonText(value, stdoutShape, Boolean(process.stdout.isTTY)));

export function createOutput(json: boolean, shape: JsonShape = 'document'): Output {
  const human = json ? process.stderr : process.stdout;
  if (shape === 'stream') stdoutShape = 'stream';
  let colors: Output['colors'] | undefined;
  return {
    json,
    data: writeJson,
    say: (text) => human.write(`${text}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
    get colors() {
      return (colors ??= colorsFor(colorEnabled(human)));
    },
    // A terminal that reports no width (some bare ptys) makes a spinner's line clearing run away.
    interactive: colorEnabled(human) && Boolean((human as NodeJS.WriteStream).columns),
  };
}

/** `{"error":{code,message}}` on stdout, laid out as the command's other JSON (usage errors print it before any command runs). */
export function printJsonError(code: string, message: string): void {
  writeJson({ error: { code, message } });
}

/** Prints an error as one line (and `{"error":{code,message}}` on stdout with --json); returns its exit code. */
export function reportError(thrown: unknown, json: boolean): ExitCode {
  const refused = thrown instanceof RunrError ? null : writeFailureOf(thrown);
  const err = refused ? new WriteFailedError(refused, 'a file') : thrown;
  const known = err instanceof RunrError;
  const code = known ? err.code : 'internal_error';
  const message = err instanceof Error ? err.message : String(err);
  const exit = known ? err.exitCode : EXIT.stopped;
  if (json) printJsonError(code, message);
  const prefix = paint(colorsFor(colorEnabled(process.stderr)), 'failed', 'Error:');
  process.stderr.write(`${prefix} ${known ? message : `internal error: ${message}`}\n`);
  if ((!known || refused) && process.env.RUNR_DEBUG && thrown instanceof Error) process.stderr.write(`${thrown.stack}\n`);
  return exit;
}
