import { describe, expect, it } from 'vitest';
import { BoundedLog } from '../../src/util/bounded-log.js';
import { HeadTail } from '../../src/util/head-tail.js';
import { LineSplitter } from '../../src/util/lines.js';
import { CUT_MARGIN } from '../../src/util/output-limits.js';
import { excerpt } from '../../src/verify/excerpt.js';
import { redact } from '../../src/workers/redact.js';

/** Bounded output: what runr keeps of a process's streams, in memory and in its logs, and secrets at every cut. */

const VALUE = 'plain-hunter2-value-0123456789-abcdefghijklmnop-XYZ'; // a secret by value (from the env)
const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'; // a secret by shape
const hide = (text: string) => redact(text, [VALUE]);
const small = { head: 20_000, tail: 20_000 };

/** Every 8-character piece of `secret` found in `text`. */
function leaks(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) if (text.includes(secret.slice(i, i + 8))) found.push(secret.slice(i, i + 8));
  return found;
}

function logOf(chunks: string[], keep = small): string {
  let written = '';
  const log = new BoundedLog((t) => { written += t; }, hide, keep);
  for (const c of chunks) log.push(c);
  log.end();
  return written;
}

/** n characters of output lines, ending with a space (a token shape starts at a word boundary). */
const filler = (n: number, seed = 'x') => `${(seed + ' filler line of output\n').repeat(Math.ceil(n / 22)).slice(0, n - 1)} `;

describe('a log streamed to disk', () => {
  it('catches a secret split across two chunks, wherever the split falls', () => {
    for (const secret of [VALUE, TOKEN]) {
      for (let k = 1; k < secret.length; k++) {
        const text = logOf([`before ${secret.slice(0, k)}`, `${secret.slice(k)} after\n`]);
        expect(leaks(text, secret), `${secret} split at ${k}`).toEqual([]);
        expect(text).toContain('[REDACTED]');
      }
    }
  });

  it('catches a secret split across chunks after more than the held-back margin was written', () => {
    for (const secret of [VALUE, TOKEN]) {
      for (const before of [CUT_MARGIN - 5, 2 * CUT_MARGIN - 20, 2 * CUT_MARGIN + 3, 3 * CUT_MARGIN + 11]) {
        const text = logOf([filler(before), secret.slice(0, 20), secret.slice(20), filler(100)]);
        expect(leaks(text, secret), `${secret} after ${before}`).toEqual([]);
      }
    }
  });

  it('catches a secret that straddles the point up to which arriving output is written', () => {
    for (const secret of [VALUE, TOKEN]) {
      for (let at = CUT_MARGIN - secret.length; at <= CUT_MARGIN; at += 3) {
        // One chunk of twice the margin: everything but the last margin is written at once.
        const chunk = filler(at) + secret + filler(2 * CUT_MARGIN - at - secret.length, 'y');
        expect(leaks(logOf([chunk, 'end\n']), secret), `${secret} at ${at}`).toEqual([]);
      }
    }
  });

  it.each([[100_000, 300_000], [25_000, 10_000]])('keeps the head and the tail of a long output, noting the bytes dropped between them (%i, %i)', (ends, middle) => {
    const text = `${'a'.repeat(ends)}${'b'.repeat(middle)}${'c'.repeat(ends)}`;
    const total = text.length;
    const chunks = text.match(/[\s\S]{1,65536}/g) ?? [];
    const written = logOf(chunks);
    const m = /^(a+)\n\[runr: (\d+) bytes omitted\]\n(c+)\n$/.exec(written);
    expect(m, written.slice(0, 100)).not.toBeNull();
    const [, head, omitted, tail] = m as RegExpExecArray;
    expect(head!.length).toBe(small.head);
    expect(tail!.length).toBe(small.tail);
    expect(Number(omitted)).toBe(total - small.head - small.tail);
  });

  it('writes a short output whole, redacted, ending with a newline', () => {
    expect(logOf(['hello ', `${VALUE}`])).toBe('hello [REDACTED]\n');
  });

  it('writes as output arrives, holding back no more than the margin', () => {
    let written = '';
    const log = new BoundedLog((t) => { written += t; }, hide, small);
    log.push(filler(3 * CUT_MARGIN));
    expect(written.length).toBeGreaterThanOrEqual(CUT_MARGIN);
    expect(written.length).toBeLessThanOrEqual(3 * CUT_MARGIN);
  });

  it('never leaves a fragment of a secret at the cut that ends the head or the one that starts the tail', () => {
    const total = small.head + small.tail + 5 * CUT_MARGIN;
    for (const secret of [VALUE, TOKEN]) {
      // Secrets placed across the head's end, and across every position the tail could start from.
      const spots = [small.head - 3, small.head - 20, small.head + 1, small.head + CUT_MARGIN - 10];
      for (let back = small.tail - 10; back <= small.tail + CUT_MARGIN + 40; back += 7) spots.push(total - back);
      for (const at of spots) {
        const text = filler(at) + secret + filler(total - at - secret.length, 'y');
        const written = logOf(text.match(/[\s\S]{1,4096}/g) ?? []);
        expect(leaks(written, secret), `${secret} at ${at}`).toEqual([]);
      }
    }
  });
});

describe('a stream kept in memory', () => {
  const captured = (text: string, keep = small) => {
    const h = new HeadTail(keep);
    for (const c of text.match(/[\s\S]{1,3000}/g) ?? []) h.push(c);
    return h;
  };

  it('is whole while it fits', () => {
    const h = captured(`one ${VALUE} two`);
    expect(h.truncated).toBe(false);
    expect(h.join(hide)).toBe('one [REDACTED] two');
    expect(h.end()).toBe(`one ${VALUE} two`);
  });

  it('keeps head and tail of a long stream, with the dropped size, and its raw end for results', () => {
    const text = `${'a'.repeat(50_000)}${'b'.repeat(1_000_000)}${'c'.repeat(50_000)}`;
    const h = captured(text);
    expect(h.truncated).toBe(true);
    const m = /^(a+)\n\[runr: (\d+) bytes omitted\]\n(c+)$/.exec(h.join());
    expect(m).not.toBeNull();
    expect(m![1]!.length + Number(m![2]) + m![3]!.length).toBe(text.length);
    expect(h.end()).toBe('c'.repeat(small.tail));
    expect(h.last(10)).toBe('c'.repeat(10));
  });

  it('leaves no fragment of a secret at its cuts', () => {
    const total = 200_000;
    for (const secret of [VALUE, TOKEN]) {
      for (const at of [small.head - 7, small.head + 2, total - small.tail - 9, total - small.tail - CUT_MARGIN - 9, total - small.tail - CUT_MARGIN + 30]) {
        const text = filler(at) + secret + filler(total - at - secret.length, 'y');
        expect(leaks(captured(text).join(hide), secret), `${secret} at ${at}`).toEqual([]);
      }
    }
  });

  it('keeps whole characters where its tail was cut in the middle of one', () => {
    const text = 'é€😀'.repeat(100_000);
    const h = new HeadTail(small);
    for (const c of text.match(/[\s\S]{1,2999}/g) ?? []) h.push(c); // some chunks end between the halves of 😀
    const joined = h.join();
    expect(joined).toContain('bytes omitted');
    expect(joined).not.toContain('\uFFFD');
    expect(captured(text).end()).not.toContain('\uFFFD');
  });

  it('last() reaches into the head while nothing was dropped', () => {
    const h = captured('x'.repeat(small.head + CUT_MARGIN) + 'tail');
    expect(h.last(8)).toBe('xxxxtail');
  });
});

describe('lines of a stream', () => {
  it('come whole across chunks, an over-long one dropped', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    for (const c of ['ab', 'c\nde', 'f\n', 'x'.repeat(8), 'y'.repeat(8), 'z\nlast']) s.push(c);
    s.end();
    expect(lines).toEqual(['abc', 'def', 'last']);
  });
});

describe('a verification excerpt', () => {
  it('is the end of the output', () => {
    const out = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    const e = excerpt(`${out}\n\n`);
    expect(e.startsWith('…\n')).toBe(true);
    expect(e.endsWith('line 499')).toBe(true);
    expect(e.split('\n')).toHaveLength(61);
  });

  it('reads output made of whitespace runs (a regex over it could take quadratic time)', () => {
    expect(excerpt(`${' '.repeat(300_000)}x${' '.repeat(10)}`)).toBe(`…\n${' '.repeat(3_999)}x`);
  });
});
