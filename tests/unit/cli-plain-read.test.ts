import { describe, expect, it } from 'vitest';
import type { Load } from '../../src/cli/action.js';
import { plainRead } from '../../src/cli/plain-read.js';
import { buildProgram } from '../../src/cli/program.js';

/** The module commander would run for `argv` and the arguments it would give it (the Command itself left out); runs nothing. */
async function parsedByCommander(argv: string[]): Promise<{ load: Load; args: unknown[] }> {
  let parsed: { load: Load; args: unknown[] } | undefined;
  const program = buildProgram((load) => async (...args) => { parsed = { load, args: args.slice(0, -1) }; });
  await program.parseAsync(argv, { from: 'user' });
  if (!parsed) throw new Error(`commander ran no action for ${argv.join(' ')}`);
  return parsed;
}

describe('plainRead: the reads that start without commander', () => {
  const plain = [
    ['status', 'latest'], ['status', '20260101120000', '--json'],
    ['report', 'latest'], ['report', 'latest', '--json'],
    ['wait', 'latest'], ['wait', '20260101120000-ab12', '--json'],
  ];
  for (const argv of plain) {
    it(`runr ${argv.join(' ')}: the same command and arguments as commander`, async () => {
      const read = plainRead(argv);
      const commander = await parsedByCommander(argv);
      expect(read?.args).toEqual(commander.args);
      expect((await read!.load()).default).toBe((await commander.load()).default);
    });
  }

  it('anything else is left to commander: other options, help, missing or misplaced ids, other commands', () => {
    for (const argv of [
      [], ['status'], ['status', '--all'], ['status', 'latest', '--human'], ['status', '--json', 'latest'],
      ['report', 'latest', '--md'], ['report', 'latest', '--json', '--kpi-only'], ['wait', 'latest', '--timeout', '5'],
      ['wait', 'latest', '--json', '--json'], ['status', 'latest', '--help'], ['help', 'status'], ['replay', 'latest'],
      ['run', '--task', 't.md'], ['toString', 'latest'], ['--version'],
    ]) expect(plainRead(argv), argv.join(' ')).toBeNull();
  });
});
