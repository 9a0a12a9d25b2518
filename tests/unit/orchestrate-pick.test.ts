// Which pending tasks of an orchestration start now, and why the others wait or are skipped.
import { describe, expect, it } from 'vitest';
import type { PlannedTask } from '../../src/orchestrate/planned-task.js';
import { pick, type PickInput } from '../../src/orchestrate/pick.js';
import type { TaskProgress } from '../../src/orchestrate/readiness.js';

const task = (key: string, after: string[] = []): PlannedTask => ({
  key, track: key.split('/')[0]!, id: key.split('/')[1]!, file: `/${key}.md`, title: key, previous: null,
  depends_on: after.map((on) => ({ on, when: 'complete' as const })), fast: null, worker: null, allowlist_add: [], verification: null,
});

function input(tasks: PlannedTask[], states: Record<string, TaskProgress>, over: Partial<PickInput> = {}): PickInput {
  const progressOf = (k: string) => states[k] ?? 'pending';
  return { tasks, progressOf, busy: tasks.filter((t) => progressOf(t.key) === 'running').length, maxParallel: 2, ...over };
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

  it('a task parked in a wait frees its slot', () => {
    const tasks = [task('a/1'), task('b/1'), task('c/1')];
    expect(pick(input(tasks, { 'a/1': 'running', 'b/1': 'running' }, { busy: 1 }))).toEqual([{ key: 'c/1', kind: 'start' }]);
  });

  it('leaves running and finished tasks alone', () => {
    expect(pick(input([task('a/1'), task('b/1')], { 'a/1': 'running', 'b/1': 'complete' }))).toEqual([]);
  });
});
