import { foldName } from './filenames.js';
import { isLockfile } from './lockfiles.js';

/** Dependency manifests of the ecosystems runr knows (npm, Python, Go, Cargo, Bundler, Composer). */
export const DEPENDENCY_MANIFESTS: readonly string[] = [
  'package.json', 'pyproject.toml', 'requirements*.txt', 'go.mod', 'Cargo.toml', 'Gemfile', 'composer.json',
];

const MANIFEST_SET = new Set(DEPENDENCY_MANIFESTS.filter((n) => !n.includes('*')).map((n) => n.toLowerCase()));

/**
 * True for a dependency manifest or lockfile at any depth (named as isLockfile names them): the files
 * `--allow-deps` lets a run change even where the allowlist does not reach.
 */
export function isDependencyFile(path: string): boolean {
  if (isLockfile(path)) return true;
  const trimmed = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const name = foldName(trimmed.slice(trimmed.lastIndexOf('/') + 1));
  return MANIFEST_SET.has(name) || /^requirements.*\.txt$/.test(name);
}
