import { describe, expect, it } from 'vitest';
import { ReplayStream } from '../../src/util/replay-stream.js';

async function readAll<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('ReplayStream', () => {
  it('gives every reader every item from the first, including those pushed while it waits, until the end', async () => {
    const stream = new ReplayStream<number>();
    stream.push(1);
    const early = readAll(stream);
    await Promise.resolve();
    stream.push(2);
    setTimeout(() => { stream.push(3); stream.end(); }, 5);
    expect(await early).toEqual([1, 2, 3]);
    expect(await readAll(stream)).toEqual([1, 2, 3]);
    stream.push(4);
    expect(await readAll(stream)).toEqual([1, 2, 3]);
  });

  it('a failure reaches each reader after the items before it', async () => {
    const stream = new ReplayStream<string>();
    const seen: string[] = [];
    const reading = (async () => { for await (const item of stream) seen.push(item); })();
    stream.push('a');
    stream.fail(new Error('disk full'));
    await expect(reading).rejects.toThrow('disk full');
    expect(seen).toEqual(['a']);
    await expect(readAll(stream)).rejects.toThrow('disk full');
  });
});
