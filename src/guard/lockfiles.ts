import { foldName } from './filenames.js';

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

const LOCKFILE_SET = new Set(LOCKFILES.map((name) => name.toLowerCase()));

/** True when the path's basename is a lockfile, at any depth, in any case (see foldName). */
export function isLockfile(path: string): boolean {
  const trimmed = path.replace(/\\/g, '/').replace(/\/+$/, '');
  return LOCKFILE_SET.has(foldName(trimmed.slice(trimmed.lastIndexOf('/') + 1)));
}
