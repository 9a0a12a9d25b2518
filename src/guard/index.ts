export { PRESETS, ENV_PRESET } from './presets.js';
export { LOCKFILES, isLockfile } from './lockfiles.js';
export { TOOL_CACHE_PATTERNS, isToolCache } from './tool-caches.js';
export {
  checkChanges,
  checkPlannedFiles,
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
  ViolationRule,
} from './scope.js';
export { findSymlinkEscapes } from './symlinks.js';
export { describeViolations } from './describe.js';
