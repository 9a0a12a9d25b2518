/** Escape sequences test runners colour their output with. */
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * Lines that name what failed, as the usual runners print them: vitest/jest (`FAIL`, `×`, `✕`, `●`), mocha (`1) …`),
 * node:test and TAP (`not ok`), pytest (`FAILED`, `E   `), go (`--- FAIL`), cargo (`panicked`, `test … FAILED`),
 * and any `SomethingError:` line.
 */
const FAILURE = /^\s*(?:FAIL\b|FAILED\b|×|✕|✗|●\s|not ok\b|--- FAIL|E {2,}|\d+\) |[\w.]*(?:Error|Exception)\b:?|thread '.*' panicked|error(?:\[\w+\])?:|AssertionError)|\bFAILED\b|\bpanicked\b/;

/**
 * What to show of a failed verification command's output: the lines that name failing tests or errors (the
 * first `max`), else its first non-empty lines. Never the whole output: `runr report` has the excerpt and the log.
 */
export function failureHighlights(excerpt: string, max = 5): string[] {
  const lines = excerpt.replace(ANSI, '').split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && l.trim() !== '…');
  const named = [...new Set(lines.filter((l) => FAILURE.test(l)).map((l) => l.trim()))];
  return (named.length ? named : lines.map((l) => l.trim())).slice(0, max).map((l) => (l.length > 160 ? `${l.slice(0, 159)}…` : l));
}
