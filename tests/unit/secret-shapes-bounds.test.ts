import { describe, expect, it } from 'vitest';
import { findSecretShapes, redact, REDACTED } from '../../src/util/secrets.js';
import { FAKE_SECRETS } from '../helpers/fake-secrets.js';

// Every token is assembled at run time so that no scanner mistakes this file for a leak.
/** `n` characters cycling through `alphabet`. */
const run = (n: number, alphabet = 'aB3') => alphabet.repeat(n).slice(0, n);
const inText = (secret: string) => `x ${secret} y`;
const shapesIn = (text: string) => findSecretShapes(text).map((m) => m.shape);

/** [shape, prefix, shortest body, body alphabet]: the prefix plus the shortest body is a secret, one character less is not. */
const MINIMUMS: [string, string, number, string?][] = [
  ['OpenAI API key', 'sk-', 16],
  ['OpenAI API key', 'sk-', 16, '_-x9'],
  ['GitHub token', 'ghp_', 20],
  ['GitHub token', 'ghs_', 20],
  ['GitHub token', ['github', 'pat_'].join('_'), 20, 'a_B9'],
  ['Slack token', 'xoxb-', 10, 'a-B9'],
  ['Slack token', 'xoxp-', 10],
  ['Slack webhook', 'https://hooks.slack.com/services/', 20, 'T0/B_a-'],
  ['Google API key', 'AIza', 30, 'Sy_D-9'],
  ['Stripe key', 'sk_live_', 20],
  ['Stripe key', 'rk_live_', 20],
];

describe('the shortest token of each shape', () => {
  it.each(MINIMUMS)('a %s (%s) is found and redacted from its shortest length, not one character shorter', (shape, prefix, min, alphabet) => {
    const shortest = inText(prefix + run(min, alphabet));
    expect(shapesIn(shortest)).toEqual([shape]);
    expect(redact(shortest, [])).toBe(inText(REDACTED));
    const tooShort = inText(prefix + run(min - 1, alphabet));
    expect(shapesIn(tooShort)).toEqual([]);
    expect(redact(tooShort, [])).toBe(tooShort);
  });

  it('an Anthropic key needs 16 characters after sk-ant-; shorter, it is still redacted as an OpenAI-shaped key', () => {
    expect(shapesIn(inText(`sk-ant-${run(16)}`))).toEqual(['Anthropic API key']);
    expect(shapesIn(inText(`sk-ant-${run(15)}`))).toEqual(['OpenAI API key']);
    expect(shapesIn(inText(`sk-proj-${run(16)}`))).toEqual(['OpenAI API key']);
  });
});

describe('shapes of an exact length', () => {
  const akia = (n: number) => inText(`AKIA${run(n, 'Q7Z2')}`);

  it('an AWS access key id is AKIA or ASIA and exactly 16 more capitals or digits', () => {
    expect(shapesIn(akia(16))).toEqual(['AWS access key id']);
    expect(shapesIn(inText(`ASIA${run(16, 'Q7Z2')}`))).toEqual(['AWS access key id']);
    expect(shapesIn(akia(15))).toEqual([]);
    expect(shapesIn(akia(17))).toEqual([]);
    expect(shapesIn(inText(`AKIA${run(16, 'q7z2')}`))).toEqual([]);
  });

  it('an AWS secret access key is exactly 40 characters after its name, which is kept', () => {
    const key = run(40, 'aB3/+=');
    for (const name of ['aws_secret_access_key = ', 'AWS_SECRET_KEY: "', 'awssecretkey=', 'aws_secret_accesskey=', "aws_secret_access_key'   :   '"]) {
      expect(redact(`${name}${key}`, []), name).toBe(`${name}${REDACTED}`);
    }
    expect(redact(`aws_secret_access_key = ${key.slice(1)}`, [])).toBe(`aws_secret_access_key = ${key.slice(1)}`);
    expect(redact(`aws_secret_access_key = ${key}x`, [])).toBe(`aws_secret_access_key = ${key}x`);
    expect(redact(`aws_access_key = ${key}`, [])).toBe(`aws_access_key = ${key}`);
  });

  it('a bearer token needs 16 characters after the word Bearer', () => {
    expect(redact(`Authorization: Bearer ${run(16, 'aB3.~')}==`, [])).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact(`Authorization: Bearer ${run(15)}`, [])).toBe(`Authorization: Bearer ${run(15)}`);
    expect(redact(`Bearer \t ${run(16)}`, [])).toBe(`Bearer \t ${REDACTED}`);
  });

  it('a lone private key body line is 64 to 76 base64 characters with both cases, and up to two = signs', () => {
    const line = (n: number, alphabet = 'aB3+/', pad = '') => `${run(n, alphabet)}${pad}`;
    for (const ok of [line(64), line(76, 'ab3+/C'), line(64, 'aB3', '=='), `first\n${line(64)}\nlast`]) {
      expect(redact(ok, []), ok).toBe(ok.replace(/^[A-Za-z0-9+/=]{64,}$/m, REDACTED));
      expect(redact(ok, [])).toContain(REDACTED);
    }
    for (const no of [line(63), line(77), line(64, 'ab3+/'), line(64, 'AB3+/'), line(64, 'aB3', '==='), `x ${line(64)}`]) {
      expect(redact(no, []), no).toBe(no);
    }
  });

  it('a private key header has a label of at most 40 capitals, digits and spaces', () => {
    const header = (label: string) => `-----BEGIN ${label}PRIVATE KEY-----`;
    expect(shapesIn(header(''))).toEqual(['private key']);
    expect(shapesIn(header(`${run(39, 'RSA1')} `))).toEqual(['private key']);
    expect(shapesIn(header(`${run(40, 'RSA1')} `))).toEqual([]);
    expect(shapesIn(header('rsa '))).toEqual([]);
  });
});

describe('where findSecretShapes says a secret is', () => {
  it('an AWS secret access key starts after its name: only the key is the secret', () => {
    const key = run(40, 'aB3/+=');
    const text = `conf\naws_secret_access_key = ${key}\n`;
    const start = text.indexOf(key);
    expect(findSecretShapes(text)).toEqual([{ index: start, end: start + 40, shape: 'AWS secret access key', text: key }]);
  });

  it('a private key is found by its header line alone, wherever its body ends', () => {
    const header = FAKE_SECRETS.pem.split('\n')[0]!;
    const text = `key:\n${FAKE_SECRETS.pem}\n`;
    expect(findSecretShapes(text)).toEqual([{ index: 5, end: 5 + header.length, shape: 'private key', text: header }]);
  });

  it('finds secrets that follow each other with nothing between them', () => {
    const header = FAKE_SECRETS.pem.split('\n')[0]!;
    expect(findSecretShapes(`${header}${header}`).map((m) => [m.index, m.end])).toEqual([[0, header.length], [header.length, 2 * header.length]]);
  });

  it('reports a secret inside another one once, under the more specific shape', () => {
    const key = `sk-ant-${run(20)}`;
    expect(findSecretShapes(inText(key))).toEqual([{ index: 2, end: 2 + key.length, shape: 'Anthropic API key', text: key }]);
  });
});
