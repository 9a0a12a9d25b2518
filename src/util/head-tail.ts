import { cleanCut, wholeAt, type Hide } from './clean-cut.js';
import { CUT_MARGIN, omittedNote, type Keep } from './output-limits.js';

export const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The last `keep` bytes (at least) of a stream, as UTF-8 in one buffer of twice that size, allocated
 * once: each chunk is copied in and its string can die young. (Keeping the chunks themselves would
 * promote every one of them to the old generation, and a stream of hundreds of MB would grow the heap
 * by tens of MB of garbage before a full collection.)
 */
export class TailRing {
  private buf: Buffer | null = null;
  private end = 0;
  private carry = '';
  /** Bytes dropped from the front so far. */
  dropped = 0;

  constructor(private readonly keep: number) {}

  push(chunk: string): void {
    // A chunk that ends between the two halves of a surrogate pair keeps its half for the next one.
    let text = this.carry + chunk;
    this.carry = '';
    const lastCode = text.charCodeAt(text.length - 1);
    if (lastCode >= 0xd800 && lastCode <= 0xdbff) {
      this.carry = text.slice(-1);
      text = text.slice(0, -1);
    }
    // Pieces of at most keep/4 characters are at most 3/4 of `keep` bytes.
    const most = Math.max(2, Math.floor(this.keep / 4));
    for (let i = 0; i < text.length;) {
      const next = wholeAt(text, i + most);
      this.append(text.slice(i, next));
      i = next;
    }
  }

  private append(piece: string): void {
    const bytes = bytesOf(piece);
    const buf = (this.buf ??= Buffer.allocUnsafe(2 * this.keep));
    if (this.end + bytes > buf.length) {
      buf.copyWithin(0, this.end - this.keep, this.end);
      this.dropped += this.end - this.keep;
      this.end = this.keep;
    }
    this.end += buf.write(piece, this.end, 'utf8');
  }

  /** Everything kept, decoded (starting at a whole character when the front was dropped). */
  text(): string {
    return this.decode(0);
  }

  /** About the last `n` bytes, decoded. */
  last(n: number): string {
    return this.decode(Math.max(0, this.end - n));
  }

  private decode(from: number): string {
    const buf = this.buf;
    if (!buf) return '';
    let start = from;
    if (start > 0 || this.dropped > 0) while (start < this.end && ((buf[start] as number) & 0xc0) === 0x80) start++;
    return buf.toString('utf8', start, this.end);
  }
}

/**
 * A bounded capture of one stream: its head and its tail, the middle dropped once the stream outgrows
 * them. Each end keeps CUT_MARGIN more than asked, so that `join` can place its cuts where they split
 * no secret.
 */
export class HeadTail {
  private head = '';
  private headFull = false;
  private readonly tail: TailRing;
  private bytes = 0;

  constructor(private readonly keep: Keep) {
    this.tail = new TailRing(keep.tail + CUT_MARGIN);
  }

  push(text: string): void {
    this.bytes += bytesOf(text);
    if (!this.headFull) {
      const room = wholeAt(text, this.keep.head + CUT_MARGIN - this.head.length);
      this.head += text.slice(0, room);
      text = text.slice(room);
      this.headFull = text.length > 0;
    }
    this.tail.push(text);
  }

  get truncated(): boolean {
    return this.tail.dropped > 0;
  }

  /** About the last `n` bytes of the stream (cheap: for checks made after every chunk). */
  last(n: number): string {
    const fromTail = this.tail.last(n);
    return fromTail.length >= n || this.truncated ? fromTail : this.head.slice(-(n - fromTail.length)) + fromTail;
  }

  /** The end of the stream, raw: all of it when nothing was dropped, else about its last `keep.tail` bytes. */
  end(): string {
    return this.truncated ? this.tail.last(this.keep.tail) : this.head + this.tail.text();
  }

  /**
   * The stream as kept, redacted by `hide`: the head, a line saying how many bytes were dropped, and the
   * tail. The cuts are moved where they split no secret, and a piece of a secret that the drop cut
   * goes with the dropped middle.
   */
  join(hide: Hide = (t) => t): string {
    const tail = this.tail.text();
    if (!this.truncated && tail.length <= this.keep.tail + CUT_MARGIN) return hide(this.head + tail);
    const headCut = cleanCut(this.head, this.keep.head, hide, -1);
    const tailCut = cleanCut(tail, Math.max(CUT_MARGIN, tail.length - this.keep.tail), hide, 1);
    const kept = this.head.slice(0, headCut);
    const end = tail.slice(tailCut);
    const omitted = this.bytes - bytesOf(kept) - bytesOf(end);
    return `${hide(kept)}${kept.endsWith('\n') || !kept ? '' : '\n'}${omittedNote(omitted)}\n${hide(end)}`;
  }
}
