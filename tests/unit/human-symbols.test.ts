// One set of symbols, colours by meaning: every human view takes its marks and colours from src/cli/render/symbols.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorsFor, mark, marked, MEANINGS, meaningOfOrch, meaningOfState, meaningOfStatus, meaningOfStop } from '../../src/cli/render/symbols.js';

const SRC = path.resolve(__dirname, '../../src');
const REGISTRY = path.join(SRC, 'cli/render/symbols.ts');

function sources(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && full !== REGISTRY ? [{ file: path.relative(SRC, full), text: fs.readFileSync(full, 'utf8') }] : [];
  });
}

/** Each line of `files` that matches `pattern`, as `file:line: text`. */
function offending(files: { file: string; text: string }[], pattern: RegExp): string[] {
  return files.flatMap(({ file, text }) => text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
}

describe('human output: one set of symbols, colours by meaning', () => {
  it('no code outside the registry picks a colour (picocolors, a colour call) or prints a mark glyph of its own', () => {
    const all = sources(SRC);
    expect(offending(all, /from 'picocolors'/)).toEqual([]);
    expect(offending(all, /\.(red|green|yellow|cyan|blue|magenta|white|gray|black|bg[A-Z]\w*)\(/)).toEqual([]);
    // Marks, not punctuation: … · – and ! also appear in prose, so only glyphs that are marks and nothing else are looked for.
    const cli = sources(path.join(SRC, 'cli'));
    expect(offending(cli, /[✓✗✔✖✘▶▸►↻⇢⚠●○◉⏳❯]/)).toEqual([]);
    // ora's succeed/fail/warn/info print log-symbols' marks (✔ ✖ ⚠ ℹ), not these.
    expect(offending(cli, /spinner\??\.(succeed|fail|warn|info)\(/)).toEqual([]);
  });

  it('every meaning has a symbol and a colour, and colour is only ever added, never the text changed', () => {
    const plain = colorsFor(false);
    const coloured = colorsFor(true);
    for (const [meaning, { symbol }] of Object.entries(MEANINGS)) {
      const m = meaning as keyof typeof MEANINGS;
      expect(mark(plain, m)).toBe(symbol);
      expect(marked(plain, m, 'text')).toBe(`${symbol} text`);
      expect(mark(coloured, m)).toMatch(new RegExp(`^\\x1b\\[\\d+m${symbol}\\x1b\\[\\d+m$`));
    }
  });

  it('statuses and stops map to their meanings; a stop for approval waits, every other stop failed', () => {
    expect(['complete', 'stopped', 'in_progress', 'running', 'waiting', 'skipped', 'pending'].map(meaningOfStatus))
      .toEqual(['ok', 'failed', 'running', 'running', 'waiting', 'skipped', 'pending']);
    expect(meaningOfStop('awaiting_approval')).toBe('waiting');
    expect(meaningOfStop('verification_failed_max_retries')).toBe('failed');
  });

  it('a run or orchestration as a whole: complete ok, a stop failed (or waiting for approval), stale a warning, else running', () => {
    expect(meaningOfState({ stop_reason: 'complete' })).toBe('ok');
    expect(meaningOfState({ stop_reason: 'scope_violation' })).toBe('failed');
    expect(meaningOfState({ stop_reason: 'awaiting_approval' })).toBe('waiting');
    expect(meaningOfState({ stop_reason: null, stale: true })).toBe('warning');
    expect(meaningOfState({ stop_reason: null })).toBe('running');
    expect(meaningOfOrch({ status: 'complete', stop_reason: null })).toBe('ok');
    expect(meaningOfOrch({ status: 'stopped', stop_reason: 'verification_failed_max_retries' })).toBe('failed');
  });
});
