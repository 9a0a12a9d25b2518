import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaOf, PUBLISHED_SCHEMAS } from '../../src/contracts/json-schemas.js';
import { EXIT } from '../../src/contracts/exit-codes.js';
import { NEXT_ACTIONS, STOP_REASONS } from '../../src/contracts/stop-reasons.js';
import { VERSION } from '../../src/version.js';

const read = (file: string) => fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('published contracts', () => {
  it.each(Object.entries(PUBLISHED_SCHEMAS))('docs/schemas/%s.schema.json matches its zod schema (run npm run schemas)', (name, schema) => {
    expect(read(`docs/schemas/${name}.schema.json`)).toBe(jsonSchemaOf(name, schema));
  });

  it('VERSION equals package.json version', () => {
    expect(VERSION).toBe(JSON.parse(read('package.json')).version);
  });
});

describe('stop-reason registry', () => {
  const doc = read('docs/stop-reasons.md');

  it.each(Object.entries(STOP_REASONS))('%s is documented with its next_action and resumability', (reason, spec) => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${reason}\``));
    expect(row, `docs/stop-reasons.md has no row for ${reason}`).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    expect(cells[2]).toBe(spec.resumable ? 'yes' : 'no');
    expect(cells[3]).toBe(spec.autoResumable ? (reason === 'quota_wait' ? 'yes, not before retry_at' : 'yes') : 'no');
    expect(cells[4]).toBe(`\`${spec.nextAction}\``);
    expect(cells[5]).toBe(String(spec.exitCode));
  });

  it('has the next actions of the operator guide and a runnable command or # comment for each reason', () => {
    // The operator guide's next actions, plus `approve` for approval gates (issue 4) and `resolve_merge_conflict` (orchestrate).
    expect([...NEXT_ACTIONS].sort()).toEqual(['approve', 'fix_config', 'inspect_logs', 'none', 'resolve_branch_mismatch', 'resolve_merge_conflict', 'resolve_scope_violation', 'resume']);
    for (const spec of Object.values(STOP_REASONS)) {
      const cmd = spec.suggest({ runId: '20260102143052', branch: 'runr/20260102143052', baseSha: 'a'.repeat(40), configPath: '/r/.runr/runr.config.json', fix: null });
      expect(cmd.startsWith('runr ') || cmd.startsWith('git ') || cmd.startsWith('# ')).toBe(true);
      if (spec.nextAction === 'resume') expect(cmd).toBe('runr resume 20260102143052');
    }
  });

  it('maps only complete to success, an interrupt to 130, and config stops to the usage exit code', () => {
    for (const [reason, spec] of Object.entries(STOP_REASONS)) {
      if (reason === 'complete') expect(spec.exitCode).toBe(EXIT.ok);
      else if (reason === 'interrupted') expect(spec.exitCode).toBe(EXIT.interrupted);
      else if (spec.nextAction === 'fix_config' && reason !== 'budget_exceeded' && reason !== 'plan_rejection') expect(spec.exitCode).toBe(EXIT.usage);
      else expect(spec.exitCode).toBe(EXIT.stopped);
    }
  });
});

describe('hand-checked readers agree with their schemas', () => {
  it('parseLease accepts exactly what LeaseSchema accepts', async () => {
    const { parseLease } = await import('../../src/store/lease.js');
    const { LeaseSchema } = await import('../../src/contracts/lease.js');
    const good = { pid: 42, host: 'h', token: 't', started_at: '2026-01-01T00:00:00.000Z', heartbeat_at: '2026-01-01T00:00:01.000Z' };
    const samples: unknown[] = [good, { ...good, pid: 1.5 }, { ...good, host: 3 }, { ...good, token: undefined }, null, 'x', {}];
    for (const s of samples) expect(parseLease(s) !== null, JSON.stringify(s)).toBe(LeaseSchema.safeParse(s).success);
  });

  it('the example .runr/ folder validates', async () => {
    const { ConfigSchema } = await import('../../src/contracts/config.js');
    const { parseTask } = await import('../../src/task/parse.js');
    expect(ConfigSchema.safeParse(JSON.parse(read('.runr.example/runr.config.json'))).success).toBe(true);
    for (const f of fs.readdirSync(new URL('../../.runr.example/tasks/', import.meta.url))) {
      expect(() => parseTask(read(`.runr.example/tasks/${f}`), f)).not.toThrow();
    }
  });
});
