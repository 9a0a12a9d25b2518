import { describe, expect, it } from 'vitest';
import { orchRepos, overlap, span, taskOf, until, writer, type OrchStatus } from '../helpers/orchestrate.js';

const newRepo = orchRepos();

describe('orchestrate: tracks run in parallel, tasks of a track in order', { timeout: 180_000 }, () => {
  it('two tracks overlap in time; a track\'s second task starts after its first, from its branch', async () => {
    const repo = newRepo({
      tasks: {
        'tasks/a1.md': writer('A one', { 'src/a1.txt': 'a1\n' }, { sleep_ms: 1200 }),
        'tasks/a2.md': writer('A two', { 'src/a2.txt': 'a2\n' }, { sleep_ms: 1200 }),
        'tasks/b1.md': writer('B one', { 'src/b1.txt': 'b1\n' }, { sleep_ms: 1200 }),
        'tasks/b2.md': writer('B two', { 'src/b2.txt': 'b2\n' }, { sleep_ms: 1200 }),
      },
      tracks: [{ id: 'a', tasks: ['tasks/a1.md', 'tasks/a2.md'] }, { id: 'b', tasks: ['tasks/b1.md', 'tasks/b2.md'] }],
    });
    const r = await repo.run(['--fast', '--max-parallel', '2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.end).toMatchObject({ orchestration_id: r.start.orchestration_id, status: 'complete', tasks: { complete: 4, total: 4 } });

    const [a1, a2, b1, b2] = ['A one', 'A two', 'B one', 'B two'].map((t) => span(repo.callsOf(t)));
    expect(overlap(a1!, b1!) || overlap(a1!, b2!) || overlap(a2!, b1!) || overlap(a2!, b2!), 'the tracks never ran at the same time').toBe(true);
    expect(a2!.start).toBeGreaterThanOrEqual(a1!.end);
    expect(b2!.start).toBeGreaterThanOrEqual(b1!.end);

    const s = await repo.status(r.start.orchestration_id);
    expect(s.counts).toMatchObject({ complete: 4, pending: 0, running: 0, waiting: 0, stopped: 0, skipped: 0 });
    for (const [first, second, file, content] of [['a/a1', 'a/a2', 'src/a1.txt', 'a1'], ['b/b1', 'b/b2', 'src/b1.txt', 'b1']] as const) {
      const t1 = taskOf(s, first);
      const t2 = taskOf(s, second);
      expect(t2.branch).toBe(`runr/${t2.run_id}`);
      // The second task's branch holds the first task's checkpoint, and so its file.
      expect(repo.git('merge-base', '--is-ancestor', t1.checkpoint_sha!, t2.branch!)).toBe('');
      expect(repo.git('show', `${t2.branch}:${file}`)).toBe(content);
    }
    // The other track's work is not on a track's branch (tracks start from the orchestration's base).
    expect(repo.filesIn(taskOf(s, 'a/a2').branch!)).not.toContain('src/b1.txt');
  });

  it('a quota wait in one track does not hold the other: it finishes first, then the waiting task completes', async () => {
    const repo = newRepo({
      tasks: {
        'tasks/slow.md': writer('Rate limited', { 'src/slow.txt': 'slow\n' }, { rate_limited_calls: 1, retry_after_s: 5 }),
        'tasks/quick.md': writer('Quick', { 'src/quick.txt': 'quick\n' }),
      },
      tracks: [{ id: 'limited', tasks: ['tasks/slow.md'] }, { id: 'free', tasks: ['tasks/quick.md'] }],
    });
    const start = await repo.orchestrate(['run', '--config', 'tracks.yaml', '--fast', '--json', '--detach']);
    expect(start.exitCode, start.stderr).toBe(0);
    const id = JSON.parse(start.stdout.split('\n')[0]!).orchestration_id as string;

    // While the child run waits for its quota, the orchestration says so for that task.
    const waiting = await until(async () => {
      const s = await repo.status(id);
      const t = taskOf(s, 'limited/slow');
      return t.status === 'waiting' && t.waiting?.reason === 'quota' ? s : null;
    }, 'the limited task to wait for its quota', 30_000, 200);
    expect(taskOf(waiting, 'limited/slow').run_id).toBeTruthy();

    const w = await repo.wait(id);
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.out).toMatchObject({ status: 'complete', tasks: { complete: 2, total: 2 } });
    const implement = repo.callsOf('Rate limited', 'IMPLEMENT');
    expect(implement.map((c) => c.result)).toEqual(['rate_limited', 'ok']);
    expect(implement.every((c) => c.run_id === implement[0]!.run_id), 'the quota wait happened inside one run').toBe(true);
    const quick = span(repo.callsOf('Quick'));
    expect(quick.end).toBeLessThan(implement[1]!.start_ms);
    const s: OrchStatus = await repo.status(id);
    expect(taskOf(s, 'limited/slow')).toMatchObject({ status: 'complete', runs: [implement[0]!.run_id], auto_resumes: 0 });
  });
});
