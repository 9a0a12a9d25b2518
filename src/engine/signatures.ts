import type { VerificationFailure } from '../contracts/effects.js';

/**
 * A failure reduced to what identifies it (SPEC §4): the phase, the command and its error text
 * with the parts that change from run to run (numbers, hex ids, temp paths, timings) removed.
 */
export function verificationSignature(failure: VerificationFailure): string {
  return ['VERIFY', failure.command, failure.timed_out ? 'timed out' : normaliseErrorText(failure.excerpt)].join(' | ');
}

/** The signature of an implementer attempt that changed no file and said no reason why. */
export const NO_CHANGE_SIGNATURE = 'IMPLEMENT | no file changed';

export function normaliseErrorText(text: string): string {
  return text
    .toLowerCase()
    .replace(/\/(?:tmp|var\/folders|private)\/[^\s:'"]+/g, '<tmp>')
    .replace(/\b[0-9a-f]{7,}\b/g, '<hex>')
    .replace(/\d+(?:\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(-600);
}

/** How many times in a row the last signature came (0 for none). */
export function repeatCount(signatures: readonly string[]): number {
  const last = signatures.at(-1);
  let n = 0;
  for (let i = signatures.length - 1; i >= 0 && signatures[i] === last; i--) n++;
  return n;
}

/** The same failure twice in a row: the next attempt changes strategy (SPEC §4). */
export const CHANGE_STRATEGY_AT = 2;
/** The same failure this many times in a row stops the run with repeated_failure. */
export const STOP_AT_REPEATS = 4;
