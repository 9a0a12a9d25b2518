/** Dependency lockfiles: changing one needs `--allow-deps` (SPEC §6). */
export const LOCKFILES: readonly string[] = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'Cargo.lock',
  'poetry.lock',
  'uv.lock',
  'Gemfile.lock',
  'go.sum',
  'composer.lock',
];

const LOCKFILE_SET = new Set(LOCKFILES);

/** True when the path's basename is a lockfile, at any depth. */
export function isLockfile(path: string): boolean {
  const trimmed = path.replace(/\\/g, '/').replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return LOCKFILE_SET.has(base);
}
