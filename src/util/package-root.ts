import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'runr';

function isRunrPackage(dir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The nearest directory at or above `from` whose package.json is runr's. A module's depth below the package
 * root differs between src/ (tsx, vitest), dist/ (tsc) and dist/cli-bundle/ (the bundled CLI), so the root is
 * found, not counted.
 */
export function findPackageRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (isRunrPackage(dir)) return dir;
    if (path.dirname(dir) === dir) throw new Error(`runr's package.json was not found above ${from}`);
  }
}

let cached: string | undefined;

/** runr's own install: the directory holding its package.json, bin/ and templates/. */
export function packageRoot(): string {
  return (cached ??= findPackageRoot(path.dirname(fileURLToPath(import.meta.url))));
}
