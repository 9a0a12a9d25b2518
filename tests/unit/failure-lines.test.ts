// What a failed verification shows of its output: the lines naming failing tests or errors, not the whole log.
import { describe, expect, it } from 'vitest';
import { failureHighlights } from '../../src/verify/failure-lines.js';

describe('failureHighlights', () => {
  it('vitest: the failing test lines and the assertion, without colours or the passing ones', () => {
    const out = [
      ' \x1b[32m✓\x1b[39m tests/math.test.ts > adds',
      ' \x1b[31m×\x1b[39m tests/auth.test.ts > login redirects to dashboard 12ms',
      '   → expected \'/login\' to be \'/dashboard\'',
      ' FAIL  tests/auth.test.ts > login redirects to dashboard',
      'AssertionError: expected \'/login\' to be \'/dashboard\' // Object.is equality',
      ' Test Files  1 failed | 1 passed (2)',
    ].join('\n');
    expect(failureHighlights(out)).toEqual([
      '× tests/auth.test.ts > login redirects to dashboard 12ms',
      'FAIL  tests/auth.test.ts > login redirects to dashboard',
      'AssertionError: expected \'/login\' to be \'/dashboard\' // Object.is equality',
    ]);
  });

  it('pytest, go, node:test and cargo name their failures too', () => {
    expect(failureHighlights('tests/test_x.py::test_login FAILED\nE       assert 1 == 2\n1 failed in 0.02s')).toEqual(['tests/test_x.py::test_login FAILED', 'E       assert 1 == 2']);
    expect(failureHighlights('=== RUN   TestLogin\n--- FAIL: TestLogin (0.00s)\n    auth_test.go:9: got 1\nFAIL')).toEqual(['--- FAIL: TestLogin (0.00s)', 'FAIL']);
    expect(failureHighlights('TAP version 13\nok 1 - adds\nnot ok 2 - login\n# fail 1')).toEqual(['not ok 2 - login']);
    expect(failureHighlights("thread 'tests::login' panicked at src/lib.rs:9:5:\ntest tests::login ... FAILED")).toEqual([
      "thread 'tests::login' panicked at src/lib.rs:9:5:", 'test tests::login ... FAILED',
    ]);
  });

  it('output that names nothing: its first lines; at most `max` lines, each cut at 160 characters', () => {
    expect(failureHighlights('…\n\nsomething went wrong\nexit 1\n')).toEqual(['something went wrong', 'exit 1']);
    const many = Array.from({ length: 9 }, (_, i) => `FAIL case ${i}`).join('\n');
    expect(failureHighlights(many, 3)).toEqual(['FAIL case 0', 'FAIL case 1', 'FAIL case 2']);
    expect(failureHighlights(`Error: ${'x'.repeat(300)}`)[0]).toHaveLength(160);
  });

  it('a line repeated is shown once', () => {
    expect(failureHighlights('TypeError: boom\nTypeError: boom\nTypeError: bang')).toEqual(['TypeError: boom', 'TypeError: bang']);
  });
});
