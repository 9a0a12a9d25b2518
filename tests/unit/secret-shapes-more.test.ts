import { describe, expect, it } from 'vitest';
import { findSecretShapes, redact, REDACTED } from '../../src/util/secrets.js';

// Assembled at run time so that no scanner mistakes this file for a leak.
const j = (...parts: string[]) => parts.join('');
const SHAPES: [shape: string, secret: string][] = [
  ['GitHub token', j('github_pat_', '11ABCDEFG0', 'aZ9bY8cX7dW6eV5fU4gT3hS2iR1jQ0kP_lOmNnMoLpKqJ')],
  ['GitHub token', j('gho_', 'Zx8Cv7Bn6Mq5Wd4Ef3Rt2Yu1')],
  ['Slack token', j('xoxp-', '1234567890-', 'abcdefABCDEF')],
  ['Slack webhook', j('https://hooks.slack.com/services/', 'T0000AAAA/B0000BBBB/', 'XyZ123abcDEF456ghiJKL789')],
  ['AWS access key id', j('ASIA', 'Z7Y6X5W4V3U2T1S0')],
  ['Google API key', j('AIza', 'SyD-9tSrke72PouQMnMX7KXr_1aBcDeFgHi')],
  ['Stripe key', j('sk_live_', '4eC39HqLyjWDarjtT1zdp7dc')],
  ['OpenAI API key', j('sk-svcacct-', 'Qw3Er4Ty5Ui6Op7As8Df9')],
];

describe('secret shapes beyond the common ones', () => {
  it.each(SHAPES)('redacts a %s whole, and names it when a diff adds it', (shape, secret) => {
    const text = `token: ${secret} end`;
    expect(redact(text, [])).toBe(`token: ${REDACTED} end`);
    expect(findSecretShapes(text)).toEqual([{ index: 7, end: 7 + secret.length, shape, text: secret }]);
  });

  it('redacts a bearer token keeping the word Bearer, but a bearer token alone does not stop a run', () => {
    const header = `Authorization: Bearer ${j('eyJhbGciOi', 'JIUzI1NiJ9.abc.def')}`;
    expect(redact(header, [])).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(findSecretShapes(header)).toEqual([]);
  });

  it('a private key header alone is found in a diff (the body may lie past the window)', () => {
    const text = `x\n${j('-----BEGIN ', 'OPENSSH PRIVATE KEY-----')}\n`;
    expect(findSecretShapes(text).map((m) => m.shape)).toEqual(['private key']);
  });

  it('redacts the values it is given wherever they appear, the longest first', () => {
    expect(redact('a hunter2hunter2 b hunter2hunter2xyz c', ['hunter2hunter2xyz', 'hunter2hunter2']))
      .toBe(`a ${REDACTED} b ${REDACTED} c`);
  });
});
