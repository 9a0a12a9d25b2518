import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { statusOf } from '../helpers/e2e-support.js';
import { orchRepos, taskOf, writer, type OrchRepoOptions } from '../helpers/orchestrate.js';

const newRepo = orchRepos();

/** A check.js that passes and records where it ran (one line per run, in the agent's state directory). */
const recordingCheck = (log: string) => `require('fs').appendFileSync(${JSON.stringify(log)}, process.cwd() + '\\n');\n`;

/** Two tracks writing src/shared.txt differently (serialized by the collision gate, conflicting at integration). */
function conflictingTracks(): OrchRepoOptions {
  const agent = (side: string) => ({
    plan: [{ goal: `write the ${side} side`, files_expected: ['src/shared.txt'] }],
    write: { 'src/shared.txt': `from ${side}\n`, [`src/${side}.txt`]: `${side}\n` },
  });
  return {
    files: { 'src/shared.txt': 'base\n' },
    tasks: { 'tasks/left.md': { title: 'Left', agent: agent('left') }, 'tasks/right.md': { title: 'Right', agent: agent('right') } },
    tracks: [{ id: 'left', tasks: ['tasks/left.md'] }, { id: 'right', tasks: ['tasks/right.md'] }],
  };
}

describe('orchestrate: integration branch runr/orch/<id>', { timeout: 180_000 }, () => {
  it('without conflict: holds every task\'s file, on top of the base, and verification ran there', async () => {
    const repo = newRepo({
      tasks: {
        'tasks/a1.md': writer('A one', { 'src/a1.txt': 'a1\n' }),
        'tasks/a2.md': writer('A two', { 'src/a2.txt': 'a2\n' }),
        'tasks/b1.md': writer('B one', { 'src/b1.txt': 'b1\n' }),
      },
      tracks: [{ id: 'a', tasks: ['tasks/a1.md', 'tasks/a2.md'] }, { id: 'b', tasks: ['tasks/b1.md'] }],
    });
    const checks = path.join(repo.stateDir, 'checks.txt');
    repo.write('check.js', recordingCheck(checks));
    repo.git('commit', '-qam', 'recording check');
    const base = repo.git('rev-parse', 'HEAD');

    const r = await repo.run(['--fast']);
    expect(r.exitCode, r.stderr).toBe(0);
    const id = r.start.orchestration_id;
    expect(r.end).toMatchObject({ status: 'complete', integration_branch: `runr/orch/${id}` });

    const s = await repo.status(id);
    expect(s.base_sha).toBe(base);
    expect(s.integration).toMatchObject({ branch: `runr/orch/${id}`, status: 'verified', conflict: null });
    expect(s.integration.sha).toBe(repo.git('rev-parse', `runr/orch/${id}`));
    expect([...s.integration.merged].sort()).toEqual(['a/a1', 'a/a2', 'b/b1']);
    for (const [file, content] of [['src/a1.txt', 'a1'], ['src/a2.txt', 'a2'], ['src/b1.txt', 'b1']]) {
      expect(repo.git('show', `runr/orch/${id}:${file}`)).toBe(content);
    }
    expect(repo.git('merge-base', '--is-ancestor', base, `runr/orch/${id}`)).toBe('');
    for (const t of s.tasks) expect(repo.git('merge-base', '--is-ancestor', t.checkpoint_sha!, `runr/orch/${id}`)).toBe('');
    // The user's checkout is untouched.
    expect(repo.git('rev-parse', 'HEAD')).toBe(base);
    expect(repo.git('status', '--porcelain')).toBe('');

    const ranIn = fs.readFileSync(checks, 'utf8').trim().split('\n');
    expect(ranIn.filter((d) => d.includes(path.join('orchestrations', id)))).toHaveLength(1);
    const verified = repo.orchEvents(id).filter((e) => e.type === 'integration_verified');
    expect(verified).toEqual([expect.objectContaining({ ok: true, sha: s.integration.sha })]);
  });

  it('with a conflict: a conflict-fix run completes and the branch keeps both sides, without markers', async () => {
    const repo = newRepo(conflictingTracks());
    const r = await repo.run([]);
    expect(r.exitCode, r.stderr).toBe(0);
    const id = r.start.orchestration_id;
    const s = await repo.status(id);
    expect(s.status).toBe('complete');
    expect(s.integration.status).toBe('verified');
    // The conflict and its fix, in the journal.
    const events = repo.orchEvents(id);
    const conflict = events.find((e) => e.type === 'integration_conflict');
    expect(conflict).toMatchObject({ files: ['src/shared.txt'] });
    expect(['left/left', 'right/right']).toContain(conflict.key);
    expect(repo.git('show', `${conflict.conflict_base}:src/shared.txt`)).toMatch(/^<<<<<<< /m);
    const fixRun = events.find((e) => e.type === 'integration_fix_started')?.run_id as string;
    expect(fixRun).toBeTruthy();
    // Status keeps the history: the conflict, its fix run, resolved; none is being dealt with now.
    expect(s.integration.conflict).toBeNull();
    expect(s.integration.conflicts).toEqual([expect.objectContaining({ key: conflict.key, files: ['src/shared.txt'], fix_run_id: fixRun, resolved: true })]);
    expect(repo.calls().some((c) => c.run_id === fixRun && c.phase === 'IMPLEMENT'), 'the fix run\'s implementer was called').toBe(true);
    expect((await statusOf(repo, fixRun)).stop_reason).toBe('complete');
    // After the fix: the conflicting task's branch is merged, then the result is verified.
    const at = (pred: (e: any) => boolean) => events.findIndex(pred);
    const fixStarted = at((e) => e.type === 'integration_fix_started');
    const mergedAfterFix = at((e) => e.type === 'integration_merged' && e.key === conflict.key);
    expect(mergedAfterFix).toBeGreaterThan(fixStarted);
    expect(at((e) => e.type === 'integration_verified' && e.ok)).toBeGreaterThan(mergedAfterFix);

    const shared = repo.git('show', `runr/orch/${id}:src/shared.txt`);
    expect(shared).toContain('from left');
    expect(shared).toContain('from right');
    expect(shared).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    for (const file of ['src/left.txt', 'src/right.txt']) expect(repo.filesIn(`runr/orch/${id}`)).toContain(file);
    // The fix lands as a merge of the conflicting branch: both task checkpoints are in the integration history.
    for (const t of s.tasks) expect(repo.git('merge-base', '--is-ancestor', t.checkpoint_sha!, `runr/orch/${id}`)).toBe('');
  });

  it('with --no-fix-conflicts: stops with merge_conflict naming the file, exit 1, a suggested command', async () => {
    const repo = newRepo(conflictingTracks());
    const r = await repo.run(['--no-fix-conflicts']);
    expect(r.exitCode, r.stderr).toBe(1);
    const id = r.start.orchestration_id;
    expect(r.end).toMatchObject({ orchestration_id: id, status: 'stopped', stop_reason: 'merge_conflict', tasks: { complete: 2, total: 2 } });

    const s = await repo.status(id);
    expect(s).toMatchObject({ status: 'stopped', stop_reason: 'merge_conflict' });
    expect(s.stop_detail).toContain('src/shared.txt');
    expect(s.integration.status).toBe('conflict');
    expect(s.integration.conflict).toMatchObject({ files: ['src/shared.txt'], fix_run_id: null });
    expect(s.integration.conflicts).toEqual([expect.objectContaining({ files: ['src/shared.txt'], fix_run_id: null, resolved: false })]);
    expect(s.suggested_command.length).toBeGreaterThan(0);
    expect(taskOf(s, 'left/left').status).toBe('complete');
    expect(taskOf(s, 'right/right').status).toBe('complete');
    // No fix run: only the two tasks' runs called the agent.
    expect(new Set(repo.calls().map((c) => c.run_id)).size).toBe(2);
  });
});
