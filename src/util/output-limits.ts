/**
 * How much of a process's output runr keeps (docs/commands.md, "Logs and output limits"): heads in
 * characters, tails in bytes (close enough to say "KiB" and "MiB" of both). Whatever lies between a
 * head and a tail is dropped, and its size in bytes noted.
 */
const KiB = 1_024;
const MiB = 1_024 * KiB;

export interface Keep {
  head: number;
  tail: number;
}

/** In memory, per stream of one process. */
export const KEEP_IN_MEMORY = {
  /** A worker's result is the last JSON object on stdout: it must lie within the tail. */
  stdout: { head: 64 * KiB, tail: 1 * MiB },
  stderr: { head: 64 * KiB, tail: 256 * KiB },
  /** stdout and stderr interleaved: where output tails and verification excerpts come from. */
  all: { head: 64 * KiB, tail: 256 * KiB },
} satisfies Record<string, Keep>;

/** On disk, per worker call or verification command: the output in its log. */
export const KEEP_IN_LOG: Keep = { head: 1 * MiB, tail: 1 * MiB };

/** On disk, a prompt in a worker's transcript. */
export const KEEP_OF_PROMPT: Keep = { head: 256 * KiB, tail: 64 * KiB };

/**
 * The longest secret runr expects (a PEM private key is about 3 KiB). Text this close to a cut is held
 * back until the cut can be placed where it splits no secret (see clean-cut.ts).
 */
export const CUT_MARGIN = 8 * KiB;

/** The line that stands for a dropped middle. */
export function omittedNote(bytes: number): string {
  return `[runr: ${bytes} bytes omitted]`;
}
