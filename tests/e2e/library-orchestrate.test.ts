// Orchestrations through the library, with in-process workers (each answering by its task's title) and real
// git, worktrees, guard, verification and checkpoints: what runs when, collisions, dependencies, auto-resume.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as runr from '../../src/index.js';
import type { WorkerPort } from '../../src/index.js';
import { TestRepo } from '../helpers/harness.js';

interface Behaviour {
  /** files_expected of the plan (default: the files it writes). */
  plans?: string[];
  writes?: Record<string, string>;
  /** How long IMPLEMENT takes. */
  ms?: number;
  /** How long PLAN takes (default: no time). */
  planMs?: number;
  /** The first n IMPLEMENT calls answer `blocked` (implement_blocked, which is auto-resumed). */
  blockedFirst?: number;
}

interface Span { title: string; phase: string; start: number; end: number }

/** Workers answered in this process, by task title; every call's span is recorded. */
function workers(behaviours: Record<string, Behaviour>, spans: Span[]): WorkerPort {
  const implementCalls = new Map<string, number>();
  return {
    call: async (effect, ctx) => {
      const title = ctx.state.task.title;
      const b = behaviours[title] ?? {};
      const start = Date.now();
      const done = <T>(value: T): T => {
        spans.push({ title, phase: effect.phase, start, end: Date.now() });
        return value;
      };
      const writes = b.writes ?? { [`src/${title}.txt`]: `${title}\n` };
      if (effect.phase === 'PLAN') {
        await new Promise((r) => setTimeout(r, b.planMs ?? 0));
        return done({ kind: 'worker', outcome: 'result', exit_code: 0, result: { milestones: [{ goal: title, files_expected: b.plans ?? Object.keys(writes), done_checks: [] }] } });
      }
      if (effect.phase === 'REVIEW') return done({ kind: 'worker', outcome: 'result', exit_code: 0, result: { verdict: 'approve', comments: [] } });
      ctx.onActivity?.({ kind: 'tool', text: `Edit src/${title}.txt` });
      const n = (implementCalls.get(title) ?? 0) + 1;
      implementCalls.set(title, n);
      await new Promise((r) => setTimeout(r, b.ms ?? 50));
      if (n <= (b.blockedFirst ?? 0)) return done({ kind: 'worker', outcome: 'result', exit_code: 0, result: { status: 'blocked', summary: 'not yet', blocked_reason: 'a flaky dependency' } });
      for (const [file, text] of Object.entries(writes)) {
        fs.mkdirSync(path.dirname(path.join(ctx.state.work_dir, file)), { recursive: true });
        fs.writeFileSync(path.join(ctx.state.work_dir, file), text);
      }
      return done({ kind: 'worker', outcome: 'result', exit_code: 0, result: { status: 'ok', summary: 'wrote it' } });
    },
  };
}

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) fs.rmSync(path.dirname(r.dir), { recursive: true, force: true });
});

/** A repository with one task file per title and a tracks file. */
function setup(tracks: string, titles: string[]): TestRepo {
  const repo = new TestRepo({ config: { sandbox: 'off' } });
  repos.push(repo);
  for (const t of titles) repo.write(`tasks/${t}.md`, `# ${t}\n\n## Goal\nDo ${t}.\n\n## Requirements\n- ${t}\n\n## Success Criteria\n- done\n`);
  repo.write('tracks.yaml', tracks);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'tasks');
  return repo;
}

const overlap = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
const implement = (spans: Span[], title: string) => spans.filter((s) => s.title === title && s.phase === 'IMPLEMENT');
const taskOf = (state: runr.OrchState, key: string) => state.tasks.find((t) => t.key === key)!;

describe('library: orchestrations with in-process workers', () => {
  it('tracks overlap in time, tasks of a track do not; a task starts from the previous one; one verified integration branch', async () => {
    const repo = setup(`tracks:
  - id: auth
    tasks:
      - path: tasks/backend.md
      - path: tasks/frontend.md
  - id: ui
    tasks:
      - path: tasks/dark.md
`, ['backend', 'frontend', 'dark']);
    const spans: Span[] = [];
    const { state } = await runr.runOrchestration({ repo: repo.dir, tracksFile: path.join(repo.dir, 'tracks.yaml'), ports: { workers: workers({ backend: { ms: 400 }, dark: { ms: 400 } }, spans) } });
    expect(state!.status, JSON.stringify(state!.tasks)).toBe('complete');
    expect(overlap(implement(spans, 'backend')[0]!, implement(spans, 'dark')[0]!)).toBe(true);
    const backendEnd = Math.max(...spans.filter((s) => s.title === 'backend').map((s) => s.end));
    expect(Math.min(...spans.filter((s) => s.title === 'frontend').map((s) => s.start))).toBeGreaterThanOrEqual(backendEnd);
    const frontend = taskOf(state!, 'auth/frontend');
    expect(frontend.base_ref).toBe(taskOf(state!, 'auth/backend').branch);
    expect(repo.git('show', `${frontend.checkpoint_sha}:src/backend.txt`)).toBe('backend');
    const branch = state!.integration.branch;
    expect(branch).toBe(`runr/orch/${state!.orch_id}`);
    expect(state!.integration).toMatchObject({ status: 'verified', merged: ['auth/backend', 'auth/frontend', 'ui/dark'] });
    for (const t of ['backend', 'frontend', 'dark']) expect(repo.git('show', `${branch}:src/${t}.txt`)).toBe(t);
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    const report = await runr.orchestrationReport(repo.dir, state!.orch_id);
    expect(report.tasks.every((t) => t.checkpoints.length === 1)).toBe(true);
    expect(fs.readFileSync(path.join(repo.dir, '.runr', 'orchestrations', state!.orch_id, 'summary.md'), 'utf8')).toContain('## Tasks');
    // What each task's worker did, read from its run's journal, shown before the task's end; not without `activity`.
    const followed: string[] = [];
    for await (const e of runr.followOrchestration(repo.dir, state!.orch_id, { activity: true })) followed.push(e.type === 'task_activity' ? `${e.key}: ${e.texts.join(', ')}` : `${e.type} ${'key' in e ? e.key : ''}`.trim());
    expect(followed.indexOf('auth/backend: Edit src/backend.txt')).toBeGreaterThan(followed.indexOf('task_run_started auth/backend'));
    expect(followed.indexOf('auth/backend: Edit src/backend.txt')).toBeLessThan(followed.indexOf('task_ended auth/backend'));
    expect(followed).toContain('ui/dark: Edit src/dark.txt');
    for await (const e of runr.followOrchestration(repo.dir, state!.orch_id)) expect(e.type).not.toBe('task_activity');
  }, 60_000);

  it('serialize: two tasks whose plans name the same file never implement at the same time; the conflict is fixed at integration', async () => {
    const repo = setup(`tracks:
  - id: a
    tasks: [{ path: tasks/one.md }]
  - id: b
    tasks: [{ path: tasks/two.md }]
`, ['one', 'two']);
    const spans: Span[] = [];
    const behaviours: Record<string, Behaviour> = {
      // two plans for longer, so that one is already implementing when two reaches its gate: two is the one that waits.
      one: { writes: { 'shared.txt': 'one\n' }, ms: 1500 },
      two: { writes: { 'shared.txt': 'two\n' }, ms: 300, planMs: 500 },
      // The conflict-fix run: keeps both sides.
      [`Resolve the merge conflicts of b/two in runr/orch/`]: {},
    };
    const port = workers(behaviours, spans);
    const fixing: WorkerPort = {
      call: async (effect, ctx) => {
        if (!ctx.state.task.title.startsWith('Resolve the merge conflicts')) return port.call(effect, ctx);
        if (effect.phase === 'PLAN') return { kind: 'worker', outcome: 'result', exit_code: 0, result: { milestones: [{ goal: 'resolve', files_expected: ['shared.txt'], done_checks: [] }] } };
        if (effect.phase === 'REVIEW') return { kind: 'worker', outcome: 'result', exit_code: 0, result: { verdict: 'approve', comments: [] } };
        const file = path.join(ctx.state.work_dir, 'shared.txt');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').filter((l) => !/^(<{7}|={7}|>{7}|\|{7})/.test(l)).join('\n'));
        return { kind: 'worker', outcome: 'result', exit_code: 0, result: { status: 'ok', summary: 'resolved' } };
      },
    };
    const { state } = await runr.runOrchestration({ repo: repo.dir, tracksFile: path.join(repo.dir, 'tracks.yaml'), ports: { workers: fixing } });
    expect(state!.status, state!.stop_detail ?? '').toBe('complete');
    expect(overlap(implement(spans, 'one')[0]!, implement(spans, 'two')[0]!)).toBe(false);
    const events = [];
    for await (const e of runr.followOrchestration(repo.dir, state!.orch_id)) events.push(e);
    expect(events.find((e) => e.type === 'task_waiting' && e.reason === 'collision')).toMatchObject({ key: 'b/two', detail: expect.stringContaining('shared.txt') });
    expect(state!.integration.conflicts).toEqual([expect.objectContaining({ key: 'b/two', files: ['shared.txt'], fix_run_id: expect.any(String), resolved: true })]);
    const merged = repo.git('show', `${state!.integration.branch}:shared.txt`);
    expect(merged).toContain('one');
    expect(merged).toContain('two');
    expect(merged).not.toMatch(/<<<<<<<|>>>>>>>/);
    expect(repo.git('rev-list', '--parents', '-n', '1', state!.integration.branch).split(' ')).toHaveLength(3);
  }, 60_000);

  it('fail: the later of two colliding tasks stops with parallel_file_collision, and its dependents are skipped', async () => {
    const repo = setup(`tracks:
  - id: a
    tasks: [{ path: tasks/one.md }]
  - id: b
    tasks: [{ path: tasks/two.md }, { path: tasks/after.md }]
`, ['one', 'two', 'after']);
    const spans: Span[] = [];
    const { state } = await runr.runOrchestration({
      repo: repo.dir, tracksFile: path.join(repo.dir, 'tracks.yaml'), collisionPolicy: 'fail',
      // two plans for longer, so that one is already running when two reaches its gate: two is the later.
      ports: { workers: workers({ one: { writes: { 'shared.txt': '1\n' }, ms: 1500 }, two: { writes: { 'shared.txt': '2\n' }, ms: 50, planMs: 500 } }, spans) },
    });
    expect(state!.status).toBe('stopped');
    expect(state!.stop_reason).toBe('parallel_file_collision');
    expect(taskOf(state!, 'a/one').status).toBe('complete');
    expect(taskOf(state!, 'b/two')).toMatchObject({ status: 'stopped', stop_reason: 'parallel_file_collision', stop_detail: expect.stringContaining('a/one') });
    expect(taskOf(state!, 'b/after')).toMatchObject({ status: 'skipped', skipped_because: 'b/two stopped' });
    expect(implement(spans, 'two')).toHaveLength(0);
    const status = await runr.orchestrationStatus(repo.dir, state!.orch_id);
    expect(status.suggested_command).toMatch(/^# b\/two: .*runr orchestrate resume /);
  }, 60_000);

  it('conditional dependencies: a clean-up task runs only when its dependency stopped; a resumable stop is auto-resumed', async () => {
    const repo = setup(`tracks:
  - id: main
    tasks: [{ path: tasks/flaky.md }]
  - id: cleanup
    tasks:
      - path: tasks/undo.md
        depends_on: [{ on: main, when: stopped }]
  - id: docs
    depends_on: [main]
    tasks: [{ path: tasks/notes.md }]
`, ['flaky', 'undo', 'notes']);
    const spans: Span[] = [];
    const { state } = await runr.runOrchestration({ repo: repo.dir, tracksFile: path.join(repo.dir, 'tracks.yaml'), ports: { workers: workers({ flaky: { blockedFirst: 1 } }, spans) } });
    expect(state!.status, JSON.stringify(state!.tasks)).toBe('complete');
    expect(taskOf(state!, 'main/flaky')).toMatchObject({ status: 'complete', auto_resumes: 1 });
    expect(implement(spans, 'flaky')).toHaveLength(2);
    expect(taskOf(state!, 'cleanup/undo')).toMatchObject({ status: 'skipped', skipped_because: 'main/flaky completed (it runs only when: stopped)' });
    expect(spans.some((s) => s.title === 'undo')).toBe(false);
    expect(taskOf(state!, 'docs/notes').base_ref).toBe(taskOf(state!, 'main/flaky').branch);
  }, 60_000);

  it('approval: a task whose run waits at its plan gate waits for a person; approved elsewhere, it is followed to its end', async () => {
    const repo = setup(`tracks:
  - id: a
    tasks: [{ path: tasks/gated.md }]
`, ['gated']);
    repo.writeConfig({ sandbox: 'off', approvals: ['plan'] });
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'approvals');
    const spans: Span[] = [];
    const port = workers({}, spans);
    const running = runr.runOrchestration({ repo: repo.dir, tracksFile: path.join(repo.dir, 'tracks.yaml'), ports: { workers: port } });
    let status: runr.OrchStatusOutput | null = null;
    for (let i = 0; i < 100 && status?.tasks[0]?.waiting?.reason !== 'approval'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await runr.orchestrationStatus(repo.dir, 'latest').catch(() => null);
    }
    const task = status!.tasks[0]!;
    expect(task).toMatchObject({ status: 'waiting', waiting: { reason: 'approval', detail: expect.stringContaining(`runr approve ${task.run_id}`) } });
    const approved = await runr.approveRun(repo.dir, task.run_id!, { ports: { workers: port } });
    expect((await approved.result).state.stop_reason).toBe('complete');
    const { state } = await running;
    expect(state!.status).toBe('complete');
    expect(taskOf(state!, 'a/gated')).toMatchObject({ status: 'complete', runs: [task.run_id] });
  }, 60_000);
});
