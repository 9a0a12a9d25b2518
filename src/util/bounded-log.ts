import { cleanCut, type Hide } from './clean-cut.js';
import { bytesOf, TailRing } from './head-tail.js';
import { CUT_MARGIN, omittedNote, type Keep } from './output-limits.js';

/**
 * One stream of output written to a log as it arrives, redacted and bounded: the first `keep.head`
 * characters go to disk as they come (held back by CUT_MARGIN, so that a secret split across two
 * chunks is seen whole before anything of it is written); after that only the last `keep.tail` are
 * kept, in memory, and written by `end` after a line saying how many bytes were dropped.
 */
export class BoundedLog {
  private pending = '';
  private headWritten = 0;
  private headBytes = 0;
  private bytes = 0;
  private tail: TailRing | null = null;
  private endsWithNewline = true;

  constructor(
    private readonly write: (text: string) => void,
    private readonly hide: Hide,
    private readonly keep: Keep,
  ) {}

  push(text: string): void {
    this.bytes += bytesOf(text);
    if (this.tail) return this.tail.push(text);
    this.pending += text;
    const room = this.keep.head - this.headWritten;
    if (this.pending.length >= room + CUT_MARGIN) {
      // The head is full: it ends at a cut that splits no secret; what follows starts the tail.
      const cut = cleanCut(this.pending, room, this.hide, -1);
      this.writeHead(this.pending.slice(0, cut));
      this.tail = new TailRing(this.keep.tail + CUT_MARGIN);
      this.tail.push(this.pending.slice(cut));
      this.pending = '';
    } else if (this.pending.length >= 2 * CUT_MARGIN) {
      const cut = cleanCut(this.pending, this.pending.length - CUT_MARGIN, this.hide, -1);
      this.writeHead(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
    }
  }

  /** Writes what is held back (and the tail, after the note of what was dropped), ending with a newline. */
  end(): void {
    if (!this.tail) {
      this.writeHead(this.pending);
      this.pending = '';
    } else {
      let text = this.tail.text();
      if (this.tail.dropped > 0 || text.length > this.keep.tail + CUT_MARGIN) {
        // The tail may start where a secret was cut: start it past the longest secret, at a clean cut.
        text = text.slice(cleanCut(text, Math.max(CUT_MARGIN, text.length - this.keep.tail), this.hide, 1));
        const omitted = this.bytes - this.headBytes - bytesOf(text);
        this.out(`${this.endsWithNewline ? '' : '\n'}${omittedNote(omitted)}\n`);
      }
      this.out(this.hide(text));
      this.tail = null;
    }
    if (!this.endsWithNewline) this.out('\n');
  }

  private writeHead(raw: string): void {
    this.headWritten += raw.length;
    this.headBytes += bytesOf(raw);
    this.out(this.hide(raw));
  }

  private out(text: string): void {
    if (!text) return;
    this.write(text);
    this.endsWithNewline = text.endsWith('\n');
  }
}
