import { CUT_MARGIN } from './output-limits.js';

/** Redacts a piece of text (workers/redact's `redact` with the secrets that apply). */
export type Hide = (text: string) => string;

/**
 * A position at or near `at` where `text` may be cut in two without splitting a secret: redacting the
 * two pieces apart gives what redacting the whole gives. Searches from `at` in `direction`, up to
 * CUT_MARGIN away (the longest secret), so a secret that straddles `at` is left whole on one side.
 * The text must reach CUT_MARGIN past `at` for a secret that starts before the cut to be seen whole.
 */
export function cleanCut(text: string, at: number, hide: Hide, direction: 1 | -1): number {
  for (let step = 0; step <= CUT_MARGIN; step = step ? step * 2 : 16) {
    const c = wholeAt(text, at + direction * step);
    if (c <= 0) return 0;
    if (c >= text.length) return text.length;
    if (separates(text, c, hide)) return c;
  }
  return wholeAt(text, at);
}

/** Whether no secret straddles `c`, judged on the CUT_MARGIN either side of it. */
function separates(text: string, c: number, hide: Hide): boolean {
  const from = Math.max(0, c - CUT_MARGIN);
  const window = text.slice(from, Math.min(text.length, c + CUT_MARGIN));
  const k = c - from;
  return hide(window) === hide(window.slice(0, k)) + hide(window.slice(k));
}

/** `at`, or one less when that would split a surrogate pair (each piece is encoded as UTF-8 on its own). */
export function wholeAt(text: string, c: number): number {
  if (c <= 0 || c >= text.length) return c;
  const before = text.charCodeAt(c - 1);
  return before >= 0xd800 && before <= 0xdbff ? c - 1 : c;
}
