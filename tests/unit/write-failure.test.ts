import { describe, expect, it } from 'vitest';
import { WriteFailedError, writeFailureOf } from '../../src/engine/write-failure.js';

const errno = (code: string, syscall: string, path?: string) =>
  Object.assign(new Error(`${code}: something, ${syscall}`), { code, syscall, ...(path ? { path } : {}) });

describe('writeFailureOf', () => {
  it('recognises a full disk, a used-up quota, a read-only or failing file system', () => {
    expect(writeFailureOf(errno('ENOSPC', 'write'))).toMatchObject({ errno: 'ENOSPC', full: true, path: null });
    expect(writeFailureOf(errno('EDQUOT', 'open', '/r/state.json'))).toMatchObject({ errno: 'EDQUOT', full: true, path: '/r/state.json' });
    expect(writeFailureOf(errno('EROFS', 'open'))).toMatchObject({ errno: 'EROFS', full: false });
    expect(writeFailureOf(errno('EIO', 'write'))).toMatchObject({ errno: 'EIO', full: false });
  });

  it("recognises git's own words for them", () => {
    expect(writeFailureOf(new Error('error: unable to write file .git/objects/ab/cd: No space left on device\nfatal: ...'))).toMatchObject({ errno: 'ENOSPC', full: true });
  });

  it('leaves other errors alone, inotify running out of watches included', () => {
    expect(writeFailureOf(errno('ENOSPC', 'watch'))).toBeNull();
    expect(writeFailureOf(errno('ENOENT', 'open'))).toBeNull();
    expect(writeFailureOf(new Error('boom'))).toBeNull();
    expect(writeFailureOf('ENOSPC')).toBeNull();
  });
});

describe('WriteFailedError', () => {
  it('is one line naming the file and what to run once space is freed', () => {
    const err = new WriteFailedError(writeFailureOf(errno('ENOSPC', 'write'))!, '/r/.runr/runs/1', 'runr resume 1');
    expect(err).toMatchObject({ code: 'disk_full', exitCode: 1, what: 'no space left on device writing /r/.runr/runs/1' });
    expect(err.message).toBe('no space left on device writing /r/.runr/runs/1: free some space, then run: runr resume 1');
    expect(new WriteFailedError(writeFailureOf(errno('EROFS', 'open', '/x'))!, 'a file').message)
      .toBe('read-only file system writing /x: make the file system writable again, then run the command again');
  });
});
