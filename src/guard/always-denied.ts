import { foldName, gitRefusesPath } from './filenames.js';

/**
 * The names no scope can allow (SPEC §6), matched as case-insensitive filesystems and git read them
 * (see foldName): `.git` as any component, in every spelling git refuses; `.runr` at the root;
 * `.env` and `.env.*` files at any depth unless `envAllowed` (the `env` preset). `p` is a
 * normalized repo-relative path.
 */
export function isAlwaysDenied(p: string, envAllowed: boolean): boolean {
  if (gitRefusesPath(p)) return true;
  const parts = p.split('/');
  if (foldName(parts[0]!) === '.runr') return true;
  return !envAllowed && isEnvFile(parts.at(-1)!);
}

function isEnvFile(name: string): boolean {
  const folded = foldName(name);
  return folded === '.env' || folded.startsWith('.env.');
}
