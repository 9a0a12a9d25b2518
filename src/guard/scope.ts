import path from 'node:path';
import picomatch from 'picomatch';
import type { ViolationRule } from '../contracts/violations.js';
import { isAlwaysDenied } from './always-denied.js';
import { isDependencyFile } from './dependency-files.js';
import { isLockfile } from './lockfiles.js';
import { ENV_PRESET, PRESETS } from './presets.js';
import { isToolCache } from './tool-caches.js';

/** Pure scope rules (SPEC §6): no filesystem, no git. Symlinks are checked in symlinks.ts. */

export interface ScopeRules {
  allowlist: string[];
  denylist: string[];
  presets: string[];
  protect: string[];
  allowDeps: boolean;
}

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'untracked';

/** `path` is repo-relative with forward slashes. */
export interface ChangedPath {
  path: string;
  status: ChangeStatus;
}


export interface Violation {
  path: string;
  rule: ViolationRule;
  /** `secret`: the line that adds it (1-based) and what kind of secret it looks like; never the secret. */
  line?: number;
  shape?: string;
}

type Matcher = (p: string) => boolean;

export interface CompiledScope {
  /** allowlist ∪ preset patterns; empty means "everything not denied". */
  readonly allowPatterns: readonly string[];
  readonly denyPatterns: readonly string[];
  readonly protectPatterns: readonly string[];
  readonly allowDeps: boolean;
  readonly envAllowed: boolean;
  readonly allow: Matcher | null;
  readonly deny: Matcher;
  readonly protect: Matcher;
  readonly alwaysDenied: Matcher;
}

const PM_OPTS = { dot: true } as const;

export function unknownPresets(presets: string[]): string[] {
  return presets.filter((name) => !Object.hasOwn(PRESETS, name));
}

function compile(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  return picomatch([...patterns], PM_OPTS);
}

function uniqueNormalized(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    const t = p.trim();
    // `dir/` in config means the directory's contents.
    const n = normalizeRepoPath(t.endsWith('/') ? `${t}**` : t);
    if (n !== '') out.add(n);
  }
  return [...out];
}

/** Unknown preset names are ignored here; callers report them via unknownPresets(). */
export function compileScope(rules: ScopeRules): CompiledScope {
  const envAllowed = rules.presets.includes(ENV_PRESET);
  const presetPatterns = rules.presets.filter((name) => name !== ENV_PRESET).flatMap((name) => PRESETS[name] ?? []);
  const restricting = [...rules.allowlist, ...presetPatterns];
  // `env` lifts the deny on .env files; on its own it must not turn an open scope into ".env files only".
  const allowPatterns = uniqueNormalized(restricting.length && envAllowed ? [...restricting, ...PRESETS[ENV_PRESET]!] : restricting);
  const denyPatterns = uniqueNormalized(rules.denylist);
  const protectPatterns = uniqueNormalized(rules.protect);
  return {
    allowPatterns,
    denyPatterns,
    protectPatterns,
    allowDeps: rules.allowDeps,
    envAllowed,
    allow: allowPatterns.length > 0 ? compile(allowPatterns) : null,
    deny: compile(denyPatterns),
    protect: compile(protectPatterns),
    alwaysDenied: (p) => isAlwaysDenied(p, envAllowed),
  };
}

/** Forward slashes, no `./` prefix, no trailing slash, `a/../b` collapsed. */
export function normalizeRepoPath(p: string): string {
  // posix.normalize drops `./` prefixes and turns '' into '.'.
  const n = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  return n === '.' ? '' : n;
}

/** True for `..`, `../x` and absolute paths (POSIX or Windows drive). */
export function isOutsideRepo(normalized: string): boolean {
  return normalized === '..' || normalized.startsWith('../') || normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized);
}

type Verdict = ViolationRule | 'ignored' | null;

function classify(scope: CompiledScope, p: string, existed: boolean): Verdict {
  if (isOutsideRepo(p) || scope.alwaysDenied(p)) return 'always_denied';
  if (isToolCache(p)) return 'ignored';
  if (!scope.allowDeps && isLockfile(p)) return 'lockfile';
  if (scope.deny(p)) return 'denylist';
  if (existed && scope.protect(p)) return 'protected';
  // --allow-deps: manifests and lockfiles anywhere, whatever the allowlist (never past deny/protect above).
  if (scope.allow && !scope.allow(p) && !(scope.allowDeps && isDependencyFile(p))) return 'outside_allowlist';
  return null;
}

/**
 * Whether a symlink may lead to `target` (normalized, inside the worktree): not to anything the
 * guard denies, whatever the allowlist says, nor to the root, which holds .git.
 */
export function classifyLinkTarget(scope: CompiledScope, target: string): 'symlink_to_denied' | null {
  const denied = target === '' || scope.alwaysDenied(target) || (!scope.allowDeps && isLockfile(target))
    || scope.deny(target) || scope.protect(target);
  return denied ? 'symlink_to_denied' : null;
}

export function checkChanges(
  scope: CompiledScope,
  changes: ChangedPath[],
): { violations: Violation[]; ignored: string[] } {
  // A path can appear twice (e.g. both sides of renames); it existed before if any entry says so.
  const existedByPath = new Map<string, boolean>();
  for (const c of changes) {
    const p = normalizeRepoPath(c.path);
    if (p === '') continue;
    const existed = c.status === 'modified' || c.status === 'deleted';
    existedByPath.set(p, (existedByPath.get(p) ?? false) || existed);
  }
  const violations: Violation[] = [];
  const ignored: string[] = [];
  for (const [p, existed] of existedByPath) {
    const verdict = classify(scope, p, existed);
    if (verdict === 'ignored') ignored.push(p);
    else if (verdict !== null) violations.push({ path: p, rule: verdict });
  }
  return { violations, ignored };
}

function safeMatcher(glob: string): Matcher | null {
  try {
    return picomatch(glob, { dot: false, nocase: true });
  } catch {
    return null;
  }
}

/**
 * A planned glob hits an always-denied path only when it names it explicitly
 * (matched without `dot`, so `src/**` or `**\/*` do not count but `.env*` does).
 */
function globTargetsAlwaysDenied(scope: CompiledScope, glob: string): boolean {
  const m = safeMatcher(glob);
  if (!m) return false;
  const base = picomatch.scan(glob).base;
  const samples = ['.git', '.git/config', '.runr', '.runr/runr.config.json'];
  if (!scope.envAllowed) samples.push('.env', '.env.local');
  return samples.some((s) => m(path.posix.join(base, s)) || m(s));
}

function classifyPlannedGlob(scope: CompiledScope, glob: string): Verdict {
  if (isOutsideRepo(glob) || scope.alwaysDenied(glob) || globTargetsAlwaysDenied(scope, glob)) return 'always_denied';
  if (isToolCache(glob)) return 'ignored';
  if (!scope.allowDeps && isLockfile(glob)) return 'lockfile';
  if (scope.deny(glob) || scope.denyPatterns.includes(glob)) return 'denylist';
  if (scope.protect(glob) || scope.protectPatterns.includes(glob)) return 'protected';
  // The glob string itself must fall inside the allowlist (e.g. `src/*.ts` under `src/**`).
  if (scope.allow && !scope.allow(glob) && !scope.allowPatterns.includes(glob)) return 'outside_allowlist';
  return null;
}

/**
 * Checks a planner's files_expected (plain paths or globs). A planned path is
 * treated as a change to an existing file, so `protect` applies.
 */
export function checkPlannedFiles(scope: CompiledScope, files: string[]): Violation[] {
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const raw of files) {
    const p = normalizeRepoPath(raw.trim());
    if (p === '' || seen.has(p)) continue;
    seen.add(p);
    const verdict = picomatch.scan(p).isGlob ? classifyPlannedGlob(scope, p) : classify(scope, p, true);
    if (verdict !== null && verdict !== 'ignored') violations.push({ path: p, rule: verdict });
  }
  return violations;
}
