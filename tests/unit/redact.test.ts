import { describe, expect, it } from 'vitest';
import { redact, secretValues } from '../../src/workers/redact.js';

describe('redact', () => {
  it('removes values of secret-looking environment variables', () => {
    const secrets = secretValues({ MY_API_KEY: 'supersecretvalue123', HOME: '/root', SHORT_TOKEN: 'abc' });
    expect(secrets).toEqual(['supersecretvalue123']);
    expect(redact('key=supersecretvalue123 home=/root', secrets)).toBe('key=[REDACTED] home=/root');
  });

  it('removes well-known token shapes even without the environment', () => {
    const text = 'sk-ant-api03-abcdefghijklmnopqrstuv ghp_abcdefghijklmnopqrstuvwxyz012345 Authorization: Bearer abcdefghijklmnopqrstuvwxyz';
    const out = redact(text, []);
    expect(out).not.toMatch(/abcdefghijklmnopqrstuv/);
    expect(out).toContain('Bearer [REDACTED]');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('npm test exited with 1', [])).toBe('npm test exited with 1');
  });
});
