import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldName, gitRefusesPath } from '../../src/guard/index.js';

/** Names git refuses to track, and the same names checked against the real git. */

let repo: string;

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-gitnames-'));
  execaSync('git', ['init', '-q', repo]);
});

afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

/**
 * Whether git (with core.protectNTFS and core.protectHFS on, as on Windows and macOS) adds `p` to
 * the index. `git update-index --add` only warns on a refused path, so `git add` is used.
 */
function gitAccepts(p: string, kind: 'file' | 'symlink' = 'file'): boolean {
  const full = path.join(repo, p);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  if (kind === 'symlink') fs.symlinkSync('target', full);
  else fs.writeFileSync(full, 'x');
  try {
    const add = execaSync('git', ['-c', 'core.protectNTFS=true', '-c', 'core.protectHFS=true', 'add', '--', p], { cwd: repo, reject: false });
    const listed = execaSync('git', ['ls-files', '-z'], { cwd: repo }).stdout.split('\0').filter(Boolean);
    return add.exitCode === 0 && listed.length > 0;
  } finally {
    execaSync('git', ['rm', '-rq', '--cached', '--ignore-unmatch', '.'], { cwd: repo, reject: false });
    fs.rmSync(path.join(repo, p.split('/')[0]!), { recursive: true, force: true });
  }
}

const REFUSED_FILES = [
  'a/.git/config', 'src/.GIT/config', '.Git', 'a/.gIt/HEAD',
  '.git./x', '.git /x', 'a/.git. . /x', 'a/.git.',
  'git~1/config', 'GIT~1/x', 'a/GiT~1',
  '.git::$INDEX_ALLOCATION/x', '.git:foo', '.git.:x',
  'a\\.git', 'a\\git~1',
  '.g\u200cit/x', '\ufeff.git/x', '.git\u200d/x', '.g\u206fit', '.\u202egit',
];

const ACCEPTED_FILES = [
  '.gitignore', '.github/workflows/ci.yml', '.gitx', '.git~1', 'agit~1', 'a/git~2/x', '.git.x',
  '.git\u00a0/x', '.gitmodules', '..a', 'a/...', 'a\\b', 'src/legit.ts',
];

const REFUSED_SYMLINKS = [
  '.gitmodules', 'a/.GitModules', '.gitmodules. ', '.gitmodules:x', 'gitmod~1', 'GITMOD~4',
  'gi7eba~1', 'gi7eba~9', 'gi7eb~12', 'gi7eba~1.', '.gitmod\u200cules',
];

const ACCEPTED_SYMLINKS = [
  'gitmod~5', 'gi7e~1', '.gitmodulesx', '.gitattributes', '.gitignore', 'a/link',
  // A short name only counts whole: not inside a longer name, nor with more after it.
  'xgitmod~1', 'gitmod~1x', 'x~gi7~12', 'gi7eb~1x',
];

describe('gitRefusesPath agrees with git', () => {
  it.each(REFUSED_FILES)('refuses %j, as git does', (p) => {
    expect(gitAccepts(p)).toBe(false);
    expect(gitRefusesPath(p)).toBe(true);
  });

  it.each(ACCEPTED_FILES)('accepts %j, as git does', (p) => {
    expect(gitAccepts(p)).toBe(true);
    expect(gitRefusesPath(p)).toBe(false);
  });

  it.each(REFUSED_SYMLINKS)('refuses a symlink named %j, as git does', (p) => {
    expect(gitAccepts(p, 'symlink')).toBe(false);
    expect(gitRefusesPath(p, { symlink: true })).toBe(true);
  });

  it.each(ACCEPTED_SYMLINKS)('accepts a symlink named %j, as git does', (p) => {
    expect(gitAccepts(p, 'symlink')).toBe(true);
    expect(gitRefusesPath(p, { symlink: true })).toBe(false);
  });

  it('a regular file named .gitmodules is fine; only a symlink is refused', () => {
    expect(gitRefusesPath('.gitmodules')).toBe(false);
    expect(gitRefusesPath('.gitmodules', { symlink: true })).toBe(true);
  });
});

describe('gitRefusesPath on malformed paths', () => {
  it('refuses empty, . and .. components and a trailing slash', () => {
    for (const p of ['', 'a//b', './a', 'a/./b', 'a/../b', '..', 'sub/']) expect(gitRefusesPath(p), p).toBe(true);
  });
});

describe('foldName', () => {
  it('reads a name as case-insensitive NTFS and HFS+ do', () => {
    expect(foldName('.GIT. . ')).toBe('.git');
    expect(foldName('.g\u200cit')).toBe('.git');
    expect(foldName('.env::$DATA')).toBe('.env');
    expect(foldName('Package-Lock.json')).toBe('package-lock.json');
    expect(foldName('.env.local')).toBe('.env.local');
  });
});
