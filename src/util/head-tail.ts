import { cleanCut, type Hide } from './clean-cut.js';
import { CUT_MARGIN, omittedNote, type Keep } from './output-limits.js';

const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The last `keep` characters (at least) of a stream, in memory at most twice that: chunks are kept as
 * they come and compacted when they reach twice the size, so that appending stays cheap.
 */
export class TailRing {
  private parts: string[] = [];
  private length = 0;
  /** Bytes dropped from the front so far. */
  dropped = 0;

  constructor(private readonly keep: number) {}

  push(text: string): void {
    if (!text) return;
    this.parts.push(text);
    this.length += text.length;
    if (this.length > 2 * this.keep) {
      const all = this.parts.join('');
      const cut = all.length - this.keep;
      this.dropped += bytesOf(all.slice(0, cut));
      this.parts = [all.slice(cut)];
      this.length = this.keep;
    }
  }

  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }

  /** The last `n` characters, without joining everything kept. */
  last(n: number): string {
    const pieces: string[] = [];
    let have = 0;
    for (let i = this.parts.length - 1; i >= 0 && have < n; i--) {
      const part = this.parts[i] as string;
      pieces.push(part.length > n - have ? part.slice(part.length - (n - have)) : part);
      have += part.length;
    }
    return pieces.reverse().join('');
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
      const room = this.keep.head + CUT_MARGIN - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
      this.headFull = text.length > 0;
    }
    this.tail.push(text);
  }

  get truncated(): boolean {
    return this.tail.dropped > 0;
  }

  /** The last `n` characters of the stream (cheap: for checks made after every chunk). */
  last(n: number): string {
    const fromTail = this.tail.last(n);
    return fromTail.length >= n || this.truncated ? fromTail : this.head.slice(-(n - fromTail.length)) + fromTail;
  }

  /** The end of the stream, raw: all of it when nothing was dropped, else the last `keep.tail` characters. */
  end(): string {
    return this.truncated ? this.tail.last(this.keep.tail) : this.head + this.tail.text();
  }

  /**
   * The stream as kept, redacted by `hide`: the head, a line saying how many bytes were dropped, and the
   * tail. The cuts are moved where they split no secret, and the head of a secret cut off by the drop
   * is dropped with it.
   */
  join(hide: Hide = (t) => t): string {
    const tail = this.tail.text();
    if (!this.truncated && tail.length <= this.keep.tail + CUT_MARGIN) return hide(this.head + tail);
    const headCut = cleanCut(this.head, this.keep.head, hide, -1);
    const tailCut = cleanCut(tail, tail.length - this.keep.tail, hide, 1);
    const kept = this.head.slice(0, headCut);
    const end = tail.slice(tailCut);
    const omitted = this.bytes - bytesOf(kept) - bytesOf(end);
    return `${hide(kept)}${kept.endsWith('\n') || !kept ? '' : '\n'}${omittedNote(omitted)}\n${hide(end)}`;
  }
}
