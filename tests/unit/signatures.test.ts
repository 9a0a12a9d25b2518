// Failure signatures as pure functions (SPEC §4); failure-signatures.test.ts drives them through the machine.
import { describe, expect, it } from 'vitest';
import type { VerificationFailure } from '../../src/contracts/effects.js';
import { CHANGE_STRATEGY_AT, normaliseErrorText, repeatCount, STOP_AT_REPEATS, verificationSignature } from '../../src/engine/signatures.js';

const failure = (over: Partial<VerificationFailure> = {}): VerificationFailure => ({
  tier: 'tier0', command: 'npm test', exit_code: 1, timed_out: false, excerpt: 'Error: boom', log_path: 'logs/verify.log', ...over,
});

describe('normaliseErrorText', () => {
  it('lower-cases and collapses whitespace', () => {
    expect(normaliseErrorText('  TypeError:\n\tX  is\r\n undefined  ')).toBe('typeerror: x is undefined');
  });

  it('replaces numbers, decimals included, with #', () => {
    expect(normaliseErrorText('expected 3 to be 42 after 1.25s at line 7:13')).toBe('expected # to be # after #s at line #:#');
  });

  it('replaces hex ids of 7 or more characters, but not shorter hex-looking words', () => {
    expect(normaliseErrorText('commit 3f78685 object deadbeefcafe0123 word facade bead')).toBe('commit <hex> object <hex> word facade bead');
    expect(normaliseErrorText('abcdef0 inside-abcdef12-dash')).toBe('<hex> inside-<hex>-dash');
    expect(normaliseErrorText('xabcdef0 abcdef0x')).toBe('xabcdef# abcdef#x');
  });

  it('replaces temporary paths up to a space, colon or quote', () => {
    expect(normaliseErrorText('at /tmp/vitest-abc/x.test.ts:10:5')).toBe('at <tmp>:#:#');
    expect(normaliseErrorText('open "/var/folders/zz/T/run 1" and \'/private/var/tmp/y\' done')).toBe('open "<tmp> #" and \'<tmp>\' done');
    expect(normaliseErrorText('see /tmpfile and /var/log/x')).toBe('see /tmpfile and /var/log/x');
  });

  it('keeps the last 600 characters, where the error usually is', () => {
    const text = `start ${'x '.repeat(400)}the end`;
    const out = normaliseErrorText(text);
    expect(out).toHaveLength(600);
    expect(out.endsWith('x the end')).toBe(true);
    expect(out).not.toContain('start');
    expect(normaliseErrorText('short')).toBe('short');
  });
});

describe('verificationSignature', () => {
  it('is the phase, the command and the normalised error', () => {
    expect(verificationSignature(failure({ excerpt: 'AssertionError: expected 1 to be 2' })))
      .toBe('VERIFY | npm test | assertionerror: expected # to be #');
  });

  it('is the same for failures that differ only in numbers, ids and temp paths', () => {
    const a = verificationSignature(failure({ excerpt: 'at /tmp/a1/x.ts:3 (commit 1234567abc) took 12ms', exit_code: 1 }));
    const b = verificationSignature(failure({ excerpt: 'at /tmp/b2/x.ts:9 (commit 89abcdef01) took 340ms', exit_code: 2, log_path: 'other.log' }));
    expect(a).toBe(b);
    expect(verificationSignature(failure({ command: 'npm run lint' }))).not.toBe(verificationSignature(failure()));
  });

  it('says "timed out" for a timeout, whatever the output was', () => {
    expect(verificationSignature(failure({ timed_out: true, excerpt: 'random output 123' }))).toBe('VERIFY | npm test | timed out');
  });
});

describe('repeatCount', () => {
  it('counts how many times in a row the last signature came', () => {
    expect(repeatCount([])).toBe(0);
    expect(repeatCount(['a'])).toBe(1);
    expect(repeatCount(['a', 'a', 'b'])).toBe(1);
    expect(repeatCount(['b', 'a', 'a', 'a'])).toBe(3);
    expect(repeatCount(['a', 'a', 'a', 'a'])).toBe(4);
  });

  it('changes strategy at the second repeat and stops at the fourth', () => {
    expect(CHANGE_STRATEGY_AT).toBe(2);
    expect(STOP_AT_REPEATS).toBe(4);
  });
});
