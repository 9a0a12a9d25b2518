import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * Write temp + fsync + rename, so a reader sees the old file or the new one, never half of one.
 * Not write-file-atomic: its sync path takes a short write (a disk filling up) for a whole one and
 * renames a truncated file into place. fs.writeFileSync writes everything or throws.
 * `durable: false` leaves out the fsync, for a cache that is rebuilt from a durable file when it is
 * missing or behind after a power loss (a killed process loses nothing it wrote either way).
 */
export function writeTextAtomic(file: string, text: string, { durable = true }: { durable?: boolean } = {}): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'w');
    fs.writeFileSync(fd, text);
    if (durable) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true }); // a write the disk refused leaves no temp file behind
    throw err;
  }
}

export function writeJsonAtomic(file: string, value: unknown, opts: { durable?: boolean } = {}): void {
  writeTextAtomic(file, `${JSON.stringify(value, null, 2)}\n`, opts);
}
