import { existsSync } from 'node:fs';

/**
 * `false` when `relPath` (relative to the project root) exists, otherwise the reason to skip.
 * Used as the `skip` option of a test: the tests of a helper whose file does not exist yet are
 * skipped, so that each milestone of the demo task can be verified (and checkpointed) on its own
 * while the next helper is still missing. Once the file exists, its tests count in full.
 */
export function pending(relPath) {
  return existsSync(new URL(`../${relPath}`, import.meta.url))
    ? false
    : `${relPath} does not exist yet (a later milestone adds it)`;
}
