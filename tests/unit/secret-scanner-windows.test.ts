import { describe, expect, it } from 'vitest';
import { MAX_HITS_PER_FILE, scanStream, SecretScanner } from '../../src/guard/secret-scanner.js';
import { FAKE_SECRETS } from '../helpers/fake-secrets.js';

const WINDOW = 1 << 20;
const OVERLAP = 4_096;
const { github } = FAKE_SECRETS;

/** `n` characters of 100-character lines, ending on a newline (so that a token after it starts a word). */
const filler = (n: number) => `${`${'x'.repeat(99)}\n`.repeat(Math.ceil(n / 100)).slice(0, n - 1)}\n`;
const linesIn = (text: string) => text.split('\n').length - 1;

/** A stream of `chunks` that counts how many of them were asked for. */
function counted(chunks: (string | Buffer)[]) {
  const stream = { pulled: 0, async *[Symbol.asyncIterator]() {
    for (const c of chunks) {
      stream.pulled++;
      yield c;
    }
  } };
  return stream;
}

describe('binary content', () => {
  it('a NUL byte among the first 8,000 bytes makes the file binary, however the bytes are split into chunks', async () => {
    const s = await scanStream(counted([Buffer.from('x'.repeat(100)), Buffer.from(`${'x'.repeat(7_899)}\0 ${github}\n`)]));
    expect(s.binary).toBe(true);
    expect(s.hits).toEqual([]);
  });

  it('a secret before the NUL byte is not reported either', async () => {
    const s = await scanStream(counted([Buffer.from(`${github}\n`), Buffer.from('\0')]));
    expect([s.binary, s.hits]).toEqual([true, []]);
  });

  it('a NUL byte after the first 8,000 bytes does not', async () => {
    const s = await scanStream(counted([Buffer.from(`${'x'.repeat(99)}\n`), Buffer.from(`${'x'.repeat(7_900)}\0 ${github}\n`)]));
    expect(s.binary).toBe(false);
    expect(s.hits.map((h) => [h.line, h.shape])).toEqual([[2, 'GitHub token']]);
  });

  it('once binary, what follows is not scanned, and the stream is not read further', async () => {
    const scanner = new SecretScanner();
    scanner.write(Buffer.from('\0'));
    scanner.write(Buffer.from(` ${github}\n${filler(WINDOW)}`));
    expect(scanner.end()).toEqual([]);
    const stream = counted(['\0', ` ${github}\n`, ` ${github}\n`]);
    const s = await scanStream(stream);
    expect([s.binary, s.hits, stream.pulled]).toEqual([true, [], 1]);
  });
});

describe('reading a stream', () => {
  it('takes text chunks as well as bytes, and reads to the end', async () => {
    const stream = counted(['first line\n', 'second ', `${github}\n`, `last ${github.replace('ghp', 'ghs')}\n`]);
    const s = await scanStream(stream);
    expect(s.hits.map((h) => [h.line, h.shape])).toEqual([[2, 'GitHub token'], [3, 'GitHub token']]);
    expect(stream.pulled).toBe(4);
  });

  it(`keeps the first ${MAX_HITS_PER_FILE} hits and stops reading once it has them`, async () => {
    const many = Array.from({ length: 25 }, () => `${github}\n`).join('');
    const first = many + filler(WINDOW - many.length);
    expect(first).toHaveLength(WINDOW);
    const stream = counted([first, `${github}\n`, `${github}\n`]);
    const s = await scanStream(stream);
    expect(s.full).toBe(true);
    expect(s.hits.map((h) => h.line)).toEqual(Array.from({ length: MAX_HITS_PER_FILE }, (_, i) => i + 1));
    expect(stream.pulled).toBe(1);
  });

  it('collects as many hits as it was asked to', async () => {
    const s = await scanStream(counted([Array.from({ length: 25 }, () => `${github}\n`).join('')]), 25);
    expect(s.hits).toHaveLength(25);
    expect(s.full).toBe(true);
    const short = await scanStream(counted([`${github}\n`.repeat(3)]), 4);
    expect([short.hits.length, short.full]).toEqual([3, false]);
  });
});

describe('window edges', () => {
  it.each([
    ['exactly where the next window starts', WINDOW - OVERLAP],
    ['inside the overlap', WINDOW - 200],
    ['just before the overlap', WINDOW - OVERLAP - 100],
  ])('a secret %s is reported once, on its line', (_where, at) => {
    const before = filler(at);
    const text = `${before}${github}\n`;
    const scanner = new SecretScanner();
    scanner.write(Buffer.from(text + filler(WINDOW - text.length)));
    scanner.write(Buffer.from(`tail\n${github}\n`));
    const hits = scanner.end();
    expect(hits.map((h) => h.line)).toEqual([linesIn(before) + 1, linesIn(text + filler(WINDOW - text.length)) + 2]);
  });
});
