import { describe, expect, it } from 'vitest';
import { allInOrder } from '../../src/util/all-in-order.js';

const later = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

describe('allInOrder: independent steps at once, errors as if one after the other', () => {
  it('gives every value in argument order', async () => {
    expect(await allInOrder([later(20, 'a'), later(1, 2)] as const)).toEqual(['a', 2]);
  });

  it('throws the first failing step in argument order, even when a later one failed sooner', async () => {
    await expect(allInOrder([later(20, 'first', true), later(1, 'second', true)] as const)).rejects.toThrow('first');
  });

  it('waits for every step before throwing: nothing is left running unobserved', async () => {
    let finished = false;
    const slow = later(20, 'done').then((v) => { finished = true; return v; });
    await expect(allInOrder([later(1, 'failed', true), slow] as const)).rejects.toThrow('failed');
    expect(finished).toBe(true);
  });
});
