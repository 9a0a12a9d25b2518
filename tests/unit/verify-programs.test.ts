import { describe, expect, it } from 'vitest';
import { missingProgramOf, programsOf } from '../../src/verify/programs.js';

const env = { PATH: process.env.PATH };

describe('programsOf', () => {
  it('reads the first word of each simple command, past assignments, keywords and redirections', () => {
    expect(programsOf('ruff check .')).toEqual(['ruff']);
    expect(programsOf('CI=1 FOO=bar npm test 2>&1 | tee out.log')).toEqual(['npm', 'tee']);
    expect(programsOf('cd sub && go test ./... ; (make lint) || exit 1')).toEqual(['go', 'make']);
    expect(programsOf('./scripts/check.sh --fast')).toEqual(['./scripts/check.sh']);
    expect(programsOf('"$TOOL" run')).toEqual([]);
    expect(programsOf('env -i PATH=/bin time -p pytest -q; exit 1')).toEqual(['pytest']);
  });
});

describe('missingProgramOf', () => {
  const cwd = process.cwd();
  it('names a program the shell could not find (exit 127, not on PATH)', () => {
    expect(missingProgramOf('definitely-not-installed-xyz --check', 127, 'sh: 1: definitely-not-installed-xyz: not found\n', env, cwd)).toBe('definitely-not-installed-xyz');
    expect(missingProgramOf('cd src && nope-xyz run', 127, 'bash: line 1: nope-xyz: command not found\n', env, cwd)).toBe('nope-xyz');
  });

  it('is null for any other exit, and for a program that exists but exits 127 itself', () => {
    expect(missingProgramOf('definitely-not-installed-xyz', 1, '', env, cwd)).toBeNull();
    expect(missingProgramOf('node script.js', 127, 'sh: 1: other: not found\n', env, cwd)).toBeNull();
  });
});
