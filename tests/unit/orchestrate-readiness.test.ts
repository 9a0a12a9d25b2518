// When a task of an orchestration may start, must wait, or is skipped (SPEC §9: conditional dependencies).
import { describe, expect, it } from 'vitest';
import type { PlannedTask } from '../../src/orchestrate/planned-task.js';
import { dependencyMet, readinessOf, type TaskProgress } from '../../src/orchestrate/readiness.js';
import type { DependencyWhen } from '../../src/contracts/tracks.js';

const task = (...deps: [string, DependencyWhen][]): PlannedTask => ({
  key: 'ui/dark-mode', track: 'ui', id: 'dark-mode', file: '/x.md', title: 'x', previous: null,
  depends_on: deps.map(([on, when]) => ({ on, when })), fast: null, worker: null, allowlist_add: [], verification: null,
});
const progress = (states: Record<string, TaskProgress>) => (key: string) => states[key] ?? 'pending';

describe('conditional dependencies', () => {
  const table: [DependencyWhen, TaskProgress, boolean | null][] = [
    ['complete', 'pending', null], ['complete', 'running', null], ['complete', 'complete', true], ['complete', 'stopped', false], ['complete', 'skipped', false],
    ['stopped', 'running', null], ['stopped', 'complete', false], ['stopped', 'stopped', true], ['stopped', 'skipped', true],
    ['always', 'pending', null], ['always', 'complete', true], ['always', 'stopped', true], ['always', 'skipped', true],
  ];
  for (const [when, state, met] of table) {
    it(`when: ${when}, a dependency that is ${state} → ${met === null ? 'not yet decided' : met ? 'met' : 'never met'}`, () => {
      expect(dependencyMet({ on: 'auth/backend', when }, state)).toBe(met);
    });
  }
});

describe('a pending task', () => {
  it('is ready with no dependencies, or once all are met', () => {
    expect(readinessOf(task(), progress({}))).toEqual({ kind: 'ready' });
    expect(readinessOf(task(['a/1', 'complete'], ['b/1', 'always']), progress({ 'a/1': 'complete', 'b/1': 'stopped' }))).toEqual({ kind: 'ready' });
  });

  it('waits on the first dependency still under way', () => {
    expect(readinessOf(task(['a/1', 'complete'], ['b/1', 'complete']), progress({ 'a/1': 'complete', 'b/1': 'running' })))
      .toEqual({ kind: 'waiting', reason: 'dependency', on: 'b/1' });
  });

  it('is skipped as soon as one dependency can never be met, naming it and how it ended, even while others run', () => {
    expect(readinessOf(task(['a/1', 'complete'], ['b/1', 'complete']), progress({ 'a/1': 'running', 'b/1': 'stopped' })))
      .toEqual({ kind: 'skipped', because: 'b/1 stopped' });
    expect(readinessOf(task(['a/1', 'stopped']), progress({ 'a/1': 'complete' })))
      .toEqual({ kind: 'skipped', because: 'a/1 completed (it runs only when: stopped)' });
    expect(readinessOf(task(['a/1', 'complete']), progress({ 'a/1': 'skipped' })))
      .toEqual({ kind: 'skipped', because: 'a/1 skipped' });
  });
});
