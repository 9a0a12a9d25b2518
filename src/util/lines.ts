/**
 * Splits a stream into lines as it arrives, each chunk scanned once. A line longer than `maxLine`
 * characters is dropped whole (its end is not a line of its own): nothing that long is an event a
 * parser could use, and holding it would let one unbroken stream fill memory.
 */
export class LineSplitter {
  private pending: string[] = [];
  private pendingLength = 0;
  private overlong = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 8 * 1_024 * 1_024,
  ) {}

  push(chunk: string): void {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      this.add(chunk.slice(start, nl));
      this.emit();
      start = nl + 1;
    }
    this.add(chunk.slice(start));
  }

  /** The last line, when the stream did not end with a newline. */
  end(): void {
    if (this.pendingLength > 0 || this.overlong) this.emit();
  }

  private add(piece: string): void {
    if (this.overlong || !piece) return;
    this.pendingLength += piece.length;
    if (this.pendingLength > this.maxLine) {
      this.overlong = true;
      this.pending = [];
      return;
    }
    this.pending.push(piece);
  }

  private emit(): void {
    if (!this.overlong) this.onLine(this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
    this.overlong = false;
  }
}
