import { findLinkViolations } from './symlinks.js';
import { checkChanges, type ChangedPath, type CompiledScope, type Violation } from './scope.js';

/**
 * The scope guard over a working tree (SPEC §6): the rules on the changed paths' names, then the
 * symlink and nested-repository rules read from the files. One violation per path, the name rule first.
 */
export async function guardChanges(workDir: string, scope: CompiledScope, changes: ChangedPath[]): Promise<Violation[]> {
  const { violations } = checkChanges(scope, changes);
  const flagged = new Set(violations.map((v) => v.path));
  const fromFiles = await findLinkViolations(workDir, scope, changes);
  return [...violations, ...fromFiles.filter((v) => !flagged.has(v.path))];
}
