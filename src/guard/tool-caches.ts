import picomatch from 'picomatch';

/**
 * Caches that tools create while verifying (SPEC §6). They are tolerated even
 * when the project never ignored them. Build output (dist/, target/, build/)
 * is deliberately NOT here: an agent writing there is a real change.
 */
const CACHE_DIRS = [
  '.pytest_cache', '__pycache__', 'coverage', '.nyc_output',
  'node_modules/.vite', 'node_modules/.cache',
  '.mypy_cache', '.ruff_cache', '.tox', '.next/cache', '.turbo', '.parcel-cache',
];
const CACHE_FILES = ['*.pyc', '.eslintcache', '*.tsbuildinfo', '.DS_Store'];

// Both `dir` and `dir/**` so that an untracked directory reported as `dir/` matches too.
export const TOOL_CACHE_PATTERNS: readonly string[] = [
  ...CACHE_DIRS.flatMap((d) => [`**/${d}`, `**/${d}/**`]),
  ...CACHE_FILES.map((f) => `**/${f}`),
];

const matcher = picomatch([...TOOL_CACHE_PATTERNS], { dot: true });

export function isToolCache(path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return matcher(p); // '' (the root) matches no pattern
}
