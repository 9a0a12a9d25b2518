import { describe, expect, it } from 'vitest';
import { isDependencyFile, isLockfile, isToolCache } from '../../src/guard/index.js';

/** Name rules read paths as git and Windows may spell them: backslashes, `./` prefixes, trailing slashes. */

describe('isLockfile', () => {
  it('reads backslashes as separators and ignores trailing slashes', () => {
    for (const p of ['apps\\web\\yarn.lock', 'apps\\Cargo.lock', 'yarn.lock/', 'pkg/go.sum//']) expect(isLockfile(p), p).toBe(true);
    for (const p of ['yarn.lock\\x', 'apps\\web\\yarn.lock.txt', 'yarn.lock/x']) expect(isLockfile(p), p).toBe(false);
  });
});

describe('isDependencyFile', () => {
  it('reads backslashes as separators and ignores trailing slashes', () => {
    for (const p of ['apps\\web\\package.json', 'svc\\go.mod', 'package.json//', 'py/requirements-dev.txt/']) expect(isDependencyFile(p), p).toBe(true);
  });

  it('a requirements file is requirements*.txt as a whole name', () => {
    for (const p of ['requirements.txt', 'Requirements-Test.TXT', 'py/requirements.in.txt']) expect(isDependencyFile(p), p).toBe(true);
    for (const p of ['dev-requirements.txt', 'requirements.txt.bak', 'requirements.txtx', 'docs/requirements.md']) expect(isDependencyFile(p), p).toBe(false);
  });
});

describe('isToolCache', () => {
  it('reads backslashes as separators and ignores any number of ./ prefixes', () => {
    for (const p of ['a\\coverage\\lcov.info', 'pkg\\__pycache__\\m.pyc', './coverage/lcov.info', '././coverage/lcov.info', './.pytest_cache/']) {
      expect(isToolCache(p), p).toBe(true);
    }
  });

  it('ignores any number of trailing slashes', () => {
    for (const p of ['pkg/m.pyc///', 'a/.DS_Store//', 'coverage/']) expect(isToolCache(p), p).toBe(true);
  });

  it('a ./ inside a name is not a prefix', () => {
    expect(isToolCache('build./coverage/x')).toBe(true);
    expect(isToolCache('src./x.ts')).toBe(false);
  });

  it('the root itself is no cache', () => {
    for (const p of ['', './', '/']) expect(isToolCache(p), JSON.stringify(p)).toBe(false);
  });
});
