import type { VerificationFailure } from '../contracts/effects.js';

/**
 * A failure reduced to what identifies it (SPEC §4): the phase, the command and its error text
 * with the parts that change from run to run (numbers, hex ids, temp paths, timings) removed.
 */
export function verificationSignature(failure: VerificationFailure): string {
  return ['VERIFY', failure.command, failure.timed_out ? 'timed out' : normaliseErrorText(failure.excerpt)].join(' | ');
}

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

/** True when the last two signatures are the same: the next attempt must change strategy. */
export function failureRepeated(signatures: readonly string[]): boolean {
  const n = signatures.length;
  return n >= 2 && signatures[n - 1] === signatures[n - 2];
}
