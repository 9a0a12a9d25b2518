import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaOf, PUBLISHED_SCHEMAS } from '../../src/contracts/json-schemas.js';
import { EXIT } from '../../src/engine/exit-codes.js';
import { NEXT_ACTIONS, STOP_REASONS } from '../../src/engine/stop-reasons.js';
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
    expect([...NEXT_ACTIONS].sort()).toEqual(['fix_config', 'inspect_logs', 'none', 'resolve_branch_mismatch', 'resolve_scope_violation', 'resume']);
    for (const spec of Object.values(STOP_REASONS)) {
      const cmd = spec.suggest({ runId: '20260102143052', branch: 'runr/20260102143052', baseSha: 'a'.repeat(40), configPath: '/r/.runr/runr.config.json' });
      expect(cmd.startsWith('runr ') || cmd.startsWith('git ') || cmd.startsWith('# ')).toBe(true);
      if (spec.nextAction === 'resume') expect(cmd).toBe('runr resume 20260102143052');
    }
  });

  it('maps only complete to success, and config stops to the usage exit code', () => {
    for (const [reason, spec] of Object.entries(STOP_REASONS)) {
      if (reason === 'complete') expect(spec.exitCode).toBe(EXIT.ok);
      else if (spec.nextAction === 'fix_config' && reason !== 'budget_exceeded' && reason !== 'plan_rejection') expect(spec.exitCode).toBe(EXIT.usage);
      else expect(spec.exitCode).toBe(EXIT.stopped);
    }
  });
});
