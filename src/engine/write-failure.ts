import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';

/**
 * Writes the file system refused, by errno. `full` ones (no space, quota) succeed again once space
 * is freed; the others need the file system itself fixed.
 */
const REFUSED = {
  ENOSPC: { words: 'no space left on device', full: true },
  EDQUOT: { words: 'disk quota exceeded', full: true },
  EFBIG: { words: 'file too large for the file system', full: true },
  EROFS: { words: 'read-only file system', full: false },
  EIO: { words: 'input/output error', full: false },
} as const;
type RefusedCode = keyof typeof REFUSED;

/** git reports the same failures in its own words (GitCommandError carries its stderr). */
const GIT_WORDS: [RegExp, RefusedCode][] = [
  [/No space left on device/i, 'ENOSPC'],
  [/Disk quota exceeded/i, 'EDQUOT'],
  [/Read-only file system/i, 'EROFS'],
];

/** inotify's "System limit for number of file watchers reached" is ENOSPC too, and no disk matter. */
const NOT_A_WRITE = new Set(['watch', 'inotify_add_watch']);

export interface WriteFailure {
  errno: RefusedCode;
  words: string;
  full: boolean;
  /** The file, when the failure names one (a write to an open file does not). */
  path: string | null;
}

/** The refused write behind an error, or null when the error is something else. */
export function writeFailureOf(err: unknown): WriteFailure | null {
  if (err instanceof WriteFailedError) return err.failure;
  if (!(err instanceof Error)) return null;
  const { code, syscall, path } = err as NodeJS.ErrnoException;
  let errno: RefusedCode | undefined = code && code in REFUSED && !NOT_A_WRITE.has(syscall ?? '') ? (code as RefusedCode) : undefined;
  if (!errno && !code) errno = GIT_WORDS.find(([re]) => re.test(err.message))?.[1];
  if (!errno) return null;
  return { errno, ...REFUSED[errno], path: typeof path === 'string' ? path : null };
}

/**
 * A write the file system refused, as one line saying what to do: `disk_full` when space ran out,
 * `write_failed` otherwise. Exit code 1, as for any run that stopped before completing.
 */
export class WriteFailedError extends RunrError {
  /** What failed, without what to do about it ("no space left on device writing /x/y"). */
  readonly what: string;

  /** `where`: what was being written when the failure names no file; `next`: the command to run once fixed (default: the same again). */
  constructor(readonly failure: WriteFailure, where: string, next: string | null = null) {
    const what = `${failure.words} writing ${failure.path ?? where}`;
    const fix = failure.full ? 'free some space' : 'make the file system writable again';
    super(failure.full ? 'disk_full' : 'write_failed', `${what}: ${fix}, then ${next ? `run: ${next}` : 'run the command again'}`, EXIT.stopped);
    this.what = what;
  }
}
