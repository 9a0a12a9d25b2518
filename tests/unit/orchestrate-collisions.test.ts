// Two tasks that can touch the same files never execute at the same time (SPEC §9): when they may.
import { describe, expect, it } from 'vitest';
import { collision, patternsOverlap } from '../../src/orchestrate/collisions.js';

describe('patterns that may name the same file', () => {
  const table: [string, string, boolean][] = [
    ['src/auth.ts', 'src/auth.ts', true],
    ['src/auth.ts', 'src/theme.ts', false],
    ['src/auth/login.ts', 'src/auth/**', true],
    ['src/auth/**', 'src/auth/login.ts', true],
    ['src/theme.css', 'src/auth/**', false],
    ['src/**', 'src/auth/**', true],
    ['src/auth/**', 'src/**/*.ts', true],
    ['src/auth/**', 'src/theme/**', false],
    ['src/auth/**', 'src/authz/**', false],
    ['**/*.md', 'docs/x.md', true],
    ['**/*.md', 'src/theme/**', true],
    ['.github/workflows/ci.yml', '.github/**', true],
  ];
  for (const [a, b, overlap] of table) {
    it(`${a} and ${b}: ${overlap ? 'may overlap' : 'never overlap'}`, () => {
      expect(patternsOverlap(a, b)).toBe(overlap);
      expect(patternsOverlap(b, a)).toBe(overlap);
    });
  }
});

describe('two tasks', () => {
  it('collide when one may change a file the other may change, and say which', () => {
    expect(collision({ known: true, patterns: ['src/theme/**', 'src/auth.ts'] }, { known: true, patterns: ['src/auth.ts'] }))
      .toEqual({ collides: true, why: 'both may change src/auth.ts' });
    expect(collision({ known: true, patterns: ['src/auth/**'] }, { known: true, patterns: ['src/auth/session.ts'] }))
      .toEqual({ collides: true, why: 'src/auth/** and src/auth/session.ts may name the same files' });
  });

  it('do not collide when their files are apart', () => {
    expect(collision({ known: true, patterns: ['src/auth/**'] }, { known: true, patterns: ['src/theme/**', 'styles/dark.css'] })).toEqual({ collides: false });
    expect(collision({ known: true, patterns: [] }, { known: true, patterns: ['src/x.ts'] })).toEqual({ collides: false });
  });

  it('a task whose plan is not known yet may change anything', () => {
    expect(collision({ known: false, patterns: [] }, { known: true, patterns: ['src/x.ts'] })).toMatchObject({ collides: true });
  });
});
