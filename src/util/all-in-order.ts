/**
 * Promise.all for independent steps run at once, keeping the errors of doing them one after the other: it waits
 * for every step, and when several fail, the first in argument order is thrown (not whichever failed first).
 */
export async function allInOrder<T extends readonly unknown[]>(steps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(steps);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
