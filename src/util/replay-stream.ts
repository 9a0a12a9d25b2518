/**
 * Items one producer pushes, read by any number of consumers, each from the first item, until the
 * producer ends it (or fails it: every reader then throws that error once it has read what came before).
 */
export class ReplayStream<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private over: { error?: unknown; failed: boolean } | null = null;
  private waiting: (() => void)[] = [];

  push(item: T): void {
    if (this.over) return;
    this.items.push(item);
    this.wake();
  }

  end(): void {
    if (!this.over) this.over = { failed: false };
    this.wake();
  }

  fail(error: unknown): void {
    if (!this.over) this.over = { error, failed: true };
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (let next = 0; ;) {
      if (next < this.items.length) {
        yield this.items[next++]!;
        continue;
      }
      if (this.over?.failed) throw this.over.error;
      if (this.over) return;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
