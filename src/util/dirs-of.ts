import path from 'node:path';

/** Every directory that holds one of `files` (repository paths, `/`-separated), and their parents; '' is the top. */
export function dirsOf(files: Iterable<string>): Set<string> {
  const dirs = new Set<string>(['']);
  for (const file of files) {
    for (let d = path.posix.dirname(file); d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
  }
  return dirs;
}
