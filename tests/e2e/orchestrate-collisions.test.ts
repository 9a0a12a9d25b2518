import { describe, expect, it } from 'vitest';
import { orchRepos, overlap, span, taskOf, type AgentCall, type OrchRepoOptions } from '../helpers/orchestrate.js';

const newRepo = orchRepos();

/**
 * Two tracks whose plans both expect src/shared.txt (they write it identically, so integration merges
 * cleanly); with `shared: false` each plan expects only its own file.
 */
function sharedFileTracks(shared = true): OrchRepoOptions {
  const agent = (own: string) => ({
    plan: [{
      goal: 'touch the shared file',
      files_expected: shared ? ['src/shared.txt'] : [`src/${own}.txt`],
      write: { ...(shared ? { 'src/shared.txt': 'shared\n' } : {}), [`src/${own}.txt`]: `${own}\n` },
    }],
    sleep_ms: 2000,
  });
  return {
    tasks: { 'tasks/left.md': { title: 'Left', agent: agent('left') }, 'tasks/right.md': { title: 'Right', agent: agent('right') } },
    tracks: [{ id: 'left', tasks: ['tasks/left.md'] }, { id: 'right', tasks: ['tasks/right.md'] }],
  };
}

const implementSpan = (calls: AgentCall[]) => span(calls.filter((c) => c.phase === 'IMPLEMENT'));

describe('orchestrate: two tasks that may change the same file never implement at the same time', { timeout: 180_000 }, () => {
  it('serialize (default): the later waits for the earlier, both complete', async () => {
    const repo = newRepo(sharedFileTracks());
    const r = await repo.run(['--max-parallel', '2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.end).toMatchObject({ status: 'complete', tasks: { complete: 2, total: 2 } });

    const left = implementSpan(repo.callsOf('Left'));
    const right = implementSpan(repo.callsOf('Right'));
    expect(overlap(left, right), `IMPLEMENT overlapped: left ${JSON.stringify(left)} right ${JSON.stringify(right)}`).toBe(false);
    // Both tasks were under way at once (both planned before the first one's IMPLEMENT ended): the gate held one back, not capacity.
    const plans = repo.calls().filter((c) => c.phase === 'PLAN');
    expect(plans).toHaveLength(2);
    expect(Math.max(...plans.map((c) => c.start_ms))).toBeLessThan(Math.min(left.end, right.end));
    const waits = repo.orchEvents(r.start.orchestration_id).filter((e) => e.type === 'task_waiting' && e.reason === 'collision');
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.map((e) => e.detail).join('\n')).toMatch(/left\/left|right\/right/);

    const s = await repo.status(r.start.orchestration_id);
    expect(s.collision_policy).toBe('serialize');
    expect(s.integration.status).toBe('verified');
    expect(repo.git('show', `${s.integration.branch}:src/shared.txt`)).toBe('shared');
  });

  it('tasks whose plans expect different files implement side by side', async () => {
    const repo = newRepo(sharedFileTracks(false));
    const r = await repo.run(['--max-parallel', '2', '--collision-policy', 'fail']);
    expect(r.exitCode, r.stderr).toBe(0);
    const left = implementSpan(repo.callsOf('Left'));
    const right = implementSpan(repo.callsOf('Right'));
    expect(overlap(left, right), `IMPLEMENT did not overlap: left ${JSON.stringify(left)} right ${JSON.stringify(right)}`).toBe(true);
    expect(repo.orchEvents(r.start.orchestration_id).filter((e) => e.type === 'task_waiting' && e.reason === 'collision')).toEqual([]);
  });

  it('fail: the later stops with parallel_file_collision naming the file, the other completes, the report names it', async () => {
    const repo = newRepo(sharedFileTracks());
    const r = await repo.run(['--max-parallel', '2', '--collision-policy', 'fail']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.end).toMatchObject({ status: 'stopped', tasks: { complete: 1, total: 2 } });

    const s = await repo.status(r.start.orchestration_id);
    expect(s.collision_policy).toBe('fail');
    const stopped = s.tasks.filter((t) => t.status === 'stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatchObject({ stop_reason: 'parallel_file_collision' });
    expect(stopped[0]!.stop_detail).toContain('src/shared.txt');
    const other = s.tasks.find((t) => t !== stopped[0])!;
    expect(other.status).toBe('complete');
    // The stopped one never implemented.
    expect(repo.callsOf(stopped[0]!.title, 'IMPLEMENT')).toEqual([]);
    expect(taskOf(s, other.key).checkpoint_sha).toBeTruthy();

    const report = await repo.orchestrate(['report', r.start.orchestration_id, '--json']);
    expect(report.exitCode, report.stderr).toBe(0);
    const json = report.json();
    expect(JSON.stringify(json)).toContain('parallel_file_collision');
    const human = await repo.orchestrate(['report', r.start.orchestration_id]);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toContain('parallel_file_collision');
    expect(human.stdout).toContain(stopped[0]!.key);
  });
});
