import fs from 'node:fs';
import path from 'node:path';

function executable(file: string): boolean {
  try {
    return fs.statSync(file).isFile() && (fs.accessSync(file, fs.constants.X_OK), true);
  } catch {
    return false;
  }
}

/**
 * The program `file` names, as execvp would find it: a path (with a slash) relative to `cwd`, else
 * the first executable of that name on `PATH`. Null when there is none.
 */
export function findExecutable(file: string, env: Record<string, string | undefined>, cwd = process.cwd()): string | null {
  if (file.includes('/')) {
    const full = path.resolve(cwd, file);
    return executable(full) ? full : null;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const full = path.resolve(cwd, dir || '.', file);
    if (executable(full)) return full;
  }
  return null;
}
