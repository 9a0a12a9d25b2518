import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import { REDACTED, redact, redactValue, secretValues } from '../../src/util/secrets.js';
import { FAKE_SECRETS } from '../helpers/fake-secrets.js';

const freshDir = tempDirsRemovedAfterEach('runr-secret-values-');

describe('secretValues', () => {
  it('takes only variables named like secrets, with a string value of at least 8 characters', () => {
    expect(secretValues({
      HOME: '/nonexistent/home/someone', EDITOR: 'a-long-editor-name', API_KEY: undefined,
      DB_PASSWORD: '1234567', SESSION_TOKEN: '12345678', client_secret: 'lower-case-name-counts',
    })).toEqual(['lower-case-name-counts', '12345678']);
  });

  it('lists the values longest first, so a value inside a longer one does not leave part of it behind', () => {
    const env = { A_KEY: 'short-key', B_TOKEN: 'a-much-longer-token', C_SECRET: 'middle-secret' };
    expect(secretValues(env)).toEqual(['a-much-longer-token', 'middle-secret', 'short-key']);
    expect(redact('x a-much-longer-token y', secretValues(env))).toBe(`x ${REDACTED} y`);
  });

  it('skips an absolute path that exists, but not a relative one, one with spaces, or a missing one', () => {
    const dir = freshDir();
    const spaced = path.join(dir, 'with space');
    fs.writeFileSync(spaced, '');
    const relative = path.relative(process.cwd(), dir);
    expect(secretValues({ SSH_AUTH_SOCK: dir, AUTH_FILE: spaced, AUTH_DIR: relative, AUTH_GONE: `${dir}/gone` }).sort())
      .toEqual([spaced, relative, `${dir}/gone`].sort());
  });
});

describe('redactValue', () => {
  const { github, aws } = FAKE_SECRETS;

  it('redacts every string at any depth and keeps everything else as it was', () => {
    const value = {
      summary: `pushed with ${github}`,
      files: ['a.ts', `key ${aws}`],
      nested: { deeper: { note: `token=${github}` }, count: 3 },
      none: null, ok: true, n: 0, missing: undefined,
    };
    expect(redactValue(value, [])).toEqual({
      summary: `pushed with ${REDACTED}`,
      files: ['a.ts', `key ${REDACTED}`],
      nested: { deeper: { note: `token=${REDACTED}` }, count: 3 },
      none: null, ok: true, n: 0, missing: undefined,
    });
  });

  it('redacts a bare string, an array, and the given secret values', () => {
    expect(redactValue(`x ${github}`, [])).toBe(`x ${REDACTED}`);
    expect(redactValue(['hunter2hunter2', 7, null], ['hunter2hunter2'])).toEqual([REDACTED, 7, null]);
    expect(redactValue(42, [])).toBe(42);
    expect(redactValue(null, [])).toBeNull();
  });
});
