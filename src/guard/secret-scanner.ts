import { StringDecoder } from 'node:string_decoder';
import { findSecretShapes } from '../util/secrets.js';

/** A secret-shaped string in a file: its line (1-based), its kind, and its text (compared, never printed). */
export interface SecretHit {
  line: number;
  shape: string;
  text: string;
}

/** Text scanned at once; a match may start in the last OVERLAP characters and is then found in the next window. */
const WINDOW = 1 << 20;
const OVERLAP = 4_096;
/** Git's own rule: a NUL byte in the first 8,000 bytes makes a file binary. */
const BINARY_PROBE = 8_000;
/** Hits kept per file: enough to name where, without holding a file full of keys. */
export const MAX_HITS_PER_FILE = 20;

/**
 * Finds secret shapes in a stream of bytes in windows of WINDOW characters, so that memory stays
 * bounded whatever the file's size and the work is one linear pass. Binary content is skipped.
 */
export class SecretScanner {
  readonly hits: SecretHit[] = [];
  binary = false;
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private line = 1;
  private probed = 0;

  /** `maxHits`: stop collecting after this many (a file's earlier version is scanned for all it held). */
  constructor(private readonly maxHits = MAX_HITS_PER_FILE) {}

  write(chunk: Buffer): void {
    if (this.binary) return;
    const head = chunk.subarray(0, BINARY_PROBE - this.probed); // empty once the probe is done
    this.probed += head.length;
    if (head.includes(0)) {
      this.binary = true;
      this.hits.length = 0;
      return;
    }
    this.buffer += this.decoder.write(chunk);
    if (this.buffer.length >= WINDOW) this.scan(false);
  }

  end(): SecretHit[] {
    if (!this.binary) {
      this.buffer += this.decoder.end();
      this.scan(true);
    }
    return this.hits;
  }

  get full(): boolean {
    return this.hits.length >= this.maxHits;
  }

  private scan(final: boolean): void {
    const text = this.buffer;
    const cutoff = final ? text.length : text.length - OVERLAP;
    let counted = 0;
    for (const m of findSecretShapes(text)) {
      if (m.index >= cutoff || this.full) break;
      this.line += countLines(text, counted, m.index);
      counted = m.index;
      this.hits.push({ line: this.line, shape: m.shape, text: m.text });
    }
    this.line += countLines(text, counted, cutoff);
    this.buffer = text.slice(cutoff);
  }
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Scans a readable byte stream (a file, git's output) to its end. */
export async function scanStream(stream: AsyncIterable<Buffer | string>, maxHits = MAX_HITS_PER_FILE): Promise<SecretScanner> {
  const scanner = new SecretScanner(maxHits);
  for await (const chunk of stream) {
    scanner.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (scanner.binary || scanner.full) break;
  }
  scanner.end();
  return scanner;
}
