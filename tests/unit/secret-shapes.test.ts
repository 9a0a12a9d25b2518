import { describe, expect, it } from 'vitest';
import { findSecretShapes, redact, secretValues } from '../../src/util/secrets.js';
import { SecretScanner } from '../../src/guard/secret-scanner.js';
import { FAKE_SECRETS, fragments } from '../helpers/fake-secrets.js';

describe('secret shapes', () => {
  it.each(Object.entries(FAKE_SECRETS))('redacts a %s secret completely', (_name, secret) => {
    const out = redact(`before ${secret} after`, []);
    expect(out).toContain('[REDACTED]');
    for (const f of fragments(secret)) expect(out).not.toContain(f);
    expect(out.startsWith('before ')).toBe(true);
  });

  it('redacts an AWS secret access key after its name, keeping the name', () => {
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYz8Qk3Lm2Tp';
    expect(redact(`aws_secret_access_key = ${key}\n`, [])).toBe('aws_secret_access_key = [REDACTED]\n');
    expect(redact(`AWS_SECRET_ACCESS_KEY="${key}"`, [])).toBe('AWS_SECRET_ACCESS_KEY="[REDACTED]"');
  });

  it('redacts the body lines of a private key printed without its header (a block split across output chunks)', () => {
    const body = FAKE_SECRETS.pem.split('\n').slice(1, 3).join('\n');
    expect(redact(body, [])).toBe('[REDACTED]\n[REDACTED]');
  });

  it('leaves digests, commit ids, paths and ordinary text alone', () => {
    const text = [
      'a'.repeat(64), '3f786850e387550fdab836ed7e6dc881de23001b', 'sha256-9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'src/keyboard/skip-this.ts', 'npm test exited with 1', 'const task = "sk-short"',
    ].join('\n');
    expect(redact(text, [])).toBe(text);
    expect(findSecretShapes(text)).toEqual([]);
  });

  it('never takes a path for a secret value, however its variable is named', () => {
    expect(secretValues({ XAUTHORITY: '/tmp', SSH_AUTH_SOCK: '/nonexistent/agent.1', API_TOKEN: 'abcdefgh12345' }))
      .toEqual(['/nonexistent/agent.1', 'abcdefgh12345'].sort((a, b) => b.length - a.length));
  });

  it('names what each secret looks like, once per secret', () => {
    const text = Object.values(FAKE_SECRETS).join('\n');
    expect(findSecretShapes(text).map((m) => m.shape)).toEqual([
      'GitHub token', 'Anthropic API key', 'OpenAI API key', 'AWS access key id', 'Slack token', 'private key',
    ]);
  });
});

describe('the secret scanner', () => {
  const scan = (...chunks: string[]) => {
    const s = new SecretScanner();
    for (const c of chunks) s.write(Buffer.from(c));
    return s.end();
  };

  it('reports the line of each secret', () => {
    const hits = scan(`one\ntwo ${FAKE_SECRETS.github}\nthree\n\nfive ${FAKE_SECRETS.aws}\n`);
    expect(hits.map((h) => [h.line, h.shape])).toEqual([[2, 'GitHub token'], [5, 'AWS access key id']]);
  });

  it('finds a secret split across two chunks and windows, with the right line', () => {
    const filler = `${'x'.repeat(99)}\n`.repeat(11_000); // > 1 MiB: the first window ends inside the secret
    const at = filler.length - 10;
    const text = `${filler.slice(0, at)} ${FAKE_SECRETS.github} ${filler.slice(at)}\nlast ${FAKE_SECRETS.slack}\n`;
    const hits = scan(text.slice(0, at + 5), text.slice(at + 5));
    expect(hits.map((h) => h.shape)).toEqual(['GitHub token', 'Slack token']);
    expect(hits[0]!.line).toBe(text.slice(0, at).split('\n').length);
    expect(hits[1]!.line).toBe(text.split('\n').length - 1);
    expect(hits[0]!.text).toBe(FAKE_SECRETS.github);
  });

  it('skips binary content (a NUL byte in its first 8,000 bytes), as git does', () => {
    expect(scan(`\0${FAKE_SECRETS.github}`)).toEqual([]);
  });

  it('finds a private key by its header', () => {
    expect(scan(`x\n${FAKE_SECRETS.pem}\n`).map((h) => [h.line, h.shape])).toEqual([[2, 'private key']]);
  });
});
