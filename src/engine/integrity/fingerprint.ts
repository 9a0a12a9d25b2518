import fs from 'node:fs';
import path from 'node:path';

/**
 * A file's identity without reading it: inode, size, modification and change time. ctime cannot be
 * set by a process (utimes sets mtime, and changes ctime), so a rewrite that keeps size and mtime
 * still shows. A symlink is itself, unless `follow`: then the file it points at.
 */
export function fingerprint(file: string, { follow = false }: { follow?: boolean } = {}): string {
  try {
    const st = follow ? fs.statSync(file, { bigint: true }) : fs.lstatSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.mode}`;
  } catch {
    return 'missing';
  }
}

/**
 * Fingerprints of a directory's files, recursively (symlinks not followed); empty when it does not exist.
 * Files named in `skip` (at the top level) are left out, and so is the directory's own entry, which
 * changes whenever one of them is written; every other file is still listed by name.
 */
export function fingerprintTree(dir: string, into: Record<string, string> = {}, skip: readonly string[] = []): Record<string, string> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return into;
  }
  if (!skip.length) into[dir] = fingerprint(dir);
  for (const e of entries) {
    if (skip.includes(e.name)) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) fingerprintTree(full, into);
    else into[full] = fingerprint(full);
  }
  return into;
}
