import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';

const CHUNK = 1 << 20;

/** A SHA-1 object id in the making: git hashes an object's header ("<type> <size>\0"), then its content. */
export const objectSha1 = (type: string, size: number | string): Hash => createHash('sha1').update(`${type} ${size}\0`);

/**
 * The SHA-1 object id git gives a file's raw bytes (`git hash-object --no-filters`, in a SHA-1
 * repository): "blob <size>\0" and the bytes, read in chunks. Writes nothing to the repository.
 */
export function blobSha1(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const hash = objectSha1('blob', size);
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    let read = 0;
    for (let n; read < size && (n = fs.readSync(fd, buf, 0, buf.length, read)) > 0; read += n) hash.update(buf.subarray(0, n));
    if (read !== size) throw new Error(`${file} changed size while it was hashed`);
    return hash.digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}
