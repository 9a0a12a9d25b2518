export { PRESETS, ENV_PRESET } from './presets.js';
export { LOCKFILES, isLockfile } from './lockfiles.js';
export { DEPENDENCY_MANIFESTS, isDependencyFile } from './dependency-files.js';
export { TOOL_CACHE_PATTERNS, isToolCache } from './tool-caches.js';
export { foldName, gitRefusesPath } from './filenames.js';
export { isAlwaysDenied } from './always-denied.js';
export {
  checkChanges,
  checkPlannedFiles,
  classifyLinkTarget,
  compileScope,
  isOutsideRepo,
  normalizeRepoPath,
  unknownPresets,
} from './scope.js';
export type {
  ChangeStatus,
  ChangedPath,
  CompiledScope,
  ScopeRules,
  Violation,
} from './scope.js';
export { findLinkViolations } from './symlinks.js';
export { guardChanges } from './check.js';
export { describeViolations } from './describe.js';
export { findAddedSecrets, type SecretGuardInput } from './secrets.js';
