// Scope rules for the guard's unit tests: every field empty unless a test sets it.
import { checkChanges, compileScope, type ChangedPath, type CompiledScope, type ScopeRules } from '../../src/guard/index.js';

export function scopeRules(over: Partial<ScopeRules> = {}): ScopeRules {
  return { allowlist: [], denylist: [], presets: [], protect: [], allowDeps: false, ...over };
}

export function compiledScope(over: Partial<ScopeRules> = {}): CompiledScope {
  return compileScope(scopeRules(over));
}

/** Changes given as bare paths (each with `status`: a new file) or as ChangedPaths. */
export function changedPaths(changes: (string | ChangedPath)[], status: 'added' | 'untracked'): ChangedPath[] {
  return changes.map((c) => (typeof c === 'string' ? { path: c, status } : c));
}

/** A bare path is a new file (`added`), the common case for a worker's change; pass a ChangedPath for others. */
export function checkScope(over: Partial<ScopeRules>, changes: (string | ChangedPath)[]) {
  return checkChanges(compiledScope(over), changedPaths(changes, 'added'));
}
