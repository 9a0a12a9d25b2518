// Which pending tasks of an orchestration start now, and why the others wait, are skipped or collide.
import { describe, expect, it } from 'vitest';
import type { PlannedTask } from '../../src/orchestrate/planned-task.js';
import { pick, type PickInput } from '../../src/orchestrate/pick.js';
import type { TaskProgress } from '../../src/orchestrate/readiness.js';

const task = (key: string, after: string[] = []): PlannedTask => ({
  key, track: key.split('/')[0]!, id: key.split('/')[1]!, file: `/${key}.md`, title: key, previous: null,
  depends_on: after.map((on) => ({ on, when: 'complete' as const })), fast: null, worker: null, allowlist_add: [], verification: null,
});

function input(tasks: PlannedTask[], states: Record<string, TaskProgress>, touches: Record<string, string[]> = {}, over: Partial<PickInput> = {}): PickInput {
  return {
    tasks,
    progressOf: (k) => states[k] ?? 'pending',
    touchOf: (k) => ({ known: true, patterns: touches[k] ?? [`${k}/**`] }),
    maxParallel: 2,
    policy: 'serialize',
    ...over,
  };
}

describe('pick', () => {
  it('starts ready tasks up to max-parallel; the rest wait for a slot', () => {
    const tasks = [task('a/1'), task('b/1'), task('c/1')];
    expect(pick(input(tasks, {}))).toEqual([
      { key: 'a/1', kind: 'start' }, { key: 'b/1', kind: 'start' },
      { key: 'c/1', kind: 'wait', reason: 'capacity', detail: 'all 2 slots are taken' },
    ]);
    expect(pick(input(tasks, { 'a/1': 'running' }))).toEqual([
      { key: 'b/1', kind: 'start' }, { key: 'c/1', kind: 'wait', reason: 'capacity', detail: 'all 2 slots are taken' },
    ]);
  });

  it('a task waits for its dependency and is skipped when the dependency stopped', () => {
    const tasks = [task('a/1'), task('a/2', ['a/1'])];
    expect(pick(input(tasks, { 'a/1': 'running' }))).toEqual([{ key: 'a/2', kind: 'wait', reason: 'dependency', detail: 'waits for a/1' }]);
    expect(pick(input(tasks, { 'a/1': 'stopped' }))).toEqual([{ key: 'a/2', kind: 'skip', because: 'a/1 stopped' }]);
    expect(pick(input(tasks, { 'a/1': 'complete' }))).toEqual([{ key: 'a/2', kind: 'start' }]);
  });

  it('never starts two colliding tasks together: serialize waits, fail stops the later one', () => {
    const tasks = [task('a/1'), task('b/1'), task('c/1')];
    const touches = { 'a/1': ['src/auth.ts'], 'b/1': ['src/auth.ts'], 'c/1': ['docs/x.md'] };
    expect(pick(input(tasks, {}, touches))).toEqual([
      { key: 'a/1', kind: 'start' },
      { key: 'b/1', kind: 'wait', reason: 'collision', detail: 'waits for a/1: both may change src/auth.ts' },
      { key: 'c/1', kind: 'start' },
    ]);
    expect(pick(input(tasks, {}, touches, { policy: 'fail' }))[1]).toEqual({ key: 'b/1', kind: 'collide', with: 'a/1', why: 'both may change src/auth.ts' });
  });

  it('leaves running and finished tasks alone', () => {
    expect(pick(input([task('a/1'), task('b/1')], { 'a/1': 'running', 'b/1': 'complete' }))).toEqual([]);
  });
});
