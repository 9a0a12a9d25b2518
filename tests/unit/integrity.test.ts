import { describe, expect, it } from 'vitest';
import type { EffectResult } from '../../src/contracts/effects.js';
import { differences, fixedPart } from '../../src/engine/integrity/run-config.js';
import { filtersOff } from '../../src/git/refs.js';
import { Journal, nameOf, R, runInit } from './machine-fixtures.js';

const tampered = (result: EffectResult, what: string): EffectResult => ({ ...result, tampered: [what] } as EffectResult);

describe('the machine: a tampering worker call or verification', () => {
  it('stops the run with worker_tampered, naming what changed; nothing is checkpointed', () => {
    const j = new Journal().drive(undefined, (x) => x.head.kind === 'worker' && x.head.phase === 'IMPLEMENT');
    j.perform(tampered(R.implement(), 'ref refs/heads/main moved from aaa to bbb'));
    expect(j.s).toMatchObject({ phase: 'STOPPED', stop_reason: 'worker_tampered', checkpoint_sha: null });
    expect(j.s.stop_detail).toContain('during the IMPLEMENT worker call: ref refs/heads/main moved from aaa to bbb');
    expect(j.s.queue.pending.map(nameOf)).toEqual(['finalize']);
    // `resume --force` repeats the same call.
    expect(j.s.queue.resume_effect && nameOf(j.s.queue.resume_effect)).toBe('IMPLEMENT m1 a1');
  });

  it('counts verification that ran the worker\'s code the same way', () => {
    const j = new Journal().drive(undefined, (x) => x.head.kind === 'verify');
    j.perform(tampered(R.verifyOk(), '.git/hooks/pre-commit was created'));
    expect(j.s.stop_reason).toBe('worker_tampered');
    expect(j.s.stop_detail).toContain('verification');
  });

  it('a checkpoint that finds tampering stops with worker_tampered, not branch_mismatch', () => {
    const j = new Journal().drive(undefined, (x) => x.head.kind === 'checkpoint');
    j.perform({ kind: 'checkpoint', ok: false, stop: 'worker_tampered', detail: 'files changed after verification' });
    expect(j.s.stop_reason).toBe('worker_tampered');
    expect(j.s.milestones[0]?.status).not.toBe('complete');
  });

  it('keeps the tree that passed verification for the checkpoint, and forgets it when the implementer works again', () => {
    const j = new Journal().drive(undefined, (x) => x.head.kind === 'guard' && x.head.after === 'VERIFY');
    j.perform({ kind: 'guard', ok: true, violations: [], changed: 1, tree: 't'.repeat(40) });
    expect(j.s.verified_tree).toBe('t'.repeat(40));
    j.perform(R.changes('rename it'));
    j.drive(undefined, (x) => x.head.kind === 'verify');
    expect(j.s.verified_tree).toBeNull();
  });
});

describe('the configuration a run started with', () => {
  const init = runInit({ config: { scope: { allowlist: ['src/**'], protect: ['check.js'] } } });

  it('names every setting that differs, by path', () => {
    const widened = { ...init, config: { ...init.config, scope: { ...init.config.scope, allowlist: ['**'], protect: [] } }, options: { ...init.options, allow_deps: true } };
    expect(differences(fixedPart(init), fixedPart(widened)).sort()).toEqual(['config.scope.allowlist', 'config.scope.protect', 'options.allow_deps']);
  });

  it('leaves out what a resume may change: workers, limits, approvals and the session limits', () => {
    const resumed = {
      ...init,
      config: { ...init.config, limits: { ...init.config.limits, max_verify_retries: 9 }, approvals: ['plan' as const], workers: {} },
      options: { ...init.options, time_budget_min: 5, max_ticks: 3, budget_usd: 1 },
    };
    expect(differences(fixedPart(init), fixedPart(resumed))).toEqual([]);
  });

  it('does not care about key order', () => {
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const reordered = { ...reversed(init), config: reversed(init.config), options: reversed(init.options) };
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(init)[0]);
    expect(differences(fixedPart(init), fixedPart(reordered))).toEqual([]);
  });
});

describe('filtersOff', () => {
  it('switches off every filter driver a config defines, and nothing else', () => {
    const lines = ['filter.lfs.clean=git-lfs clean -- %f  (file:/home/u/.gitconfig)', 'filter.evil.process=sh x  (file:.git/config)', 'core.bare=false  (file:.git/config)'];
    expect(filtersOff(lines)).toEqual([
      ['filter.lfs.clean', ''], ['filter.lfs.smudge', ''], ['filter.lfs.process', ''], ['filter.lfs.required', 'false'],
      ['filter.evil.clean', ''], ['filter.evil.smudge', ''], ['filter.evil.process', ''], ['filter.evil.required', 'false'],
    ]);
  });
});
