import crypto from 'node:crypto';
import fs from 'node:fs';

/** A temp file beside `file`, named so that no other writer (process or call) picks the same. */
const tempBeside = (file: string) => `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;

/**
 * Write temp + fsync + rename, so a reader sees the old file or the new one, never half of one.
 * Not write-file-atomic: its sync path takes a short write (a disk filling up) for a whole one and
 * renames a truncated file into place. fs.writeFileSync writes everything or throws.
 */
export function writeTextAtomic(file: string, text: string): void {
  const tmp = tempBeside(file);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'w');
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true }); // a write the disk refused leaves no temp file behind
    throw err;
  }
}

/**
 * A cache file (state.json) replaced whole without an fsync: temp file, then the old one removed, then the
 * rename. A reader sees the old file, the new one or, for the moment in between, none: never half of one,
 * and its readers take a missing cache as "rebuild from the journal". Renaming onto an existing file makes
 * ext4 write the new file's data out first (auto_da_alloc), about half a millisecond per event in a run;
 * onto no file it does not.
 */
export function replaceCache(file: string, text: string): void {
  const tmp = tempBeside(file);
  try {
    fs.writeFileSync(tmp, text);
    fs.rmSync(file, { force: true });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeTextAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
