import writeFileAtomic from 'write-file-atomic';

/** Write temp + fsync + rename, so a reader sees the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic.sync(file, `${JSON.stringify(value, null, 2)}\n`, { fsync: true });
}

export function writeTextAtomic(file: string, text: string): void {
  writeFileAtomic.sync(file, text, { fsync: true });
}

