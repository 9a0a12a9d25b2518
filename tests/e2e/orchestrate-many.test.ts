import { describe, expect, it } from 'vitest';
import { orchRepos } from '../helpers/orchestrate.js';

const newRepo = orchRepos();
const N = 20;

describe('orchestrate: many orchestrations started at once', () => {
  it(`${N} started together (--new --detach) get distinct orchestration ids, and their runs distinct run ids`, async () => {
    const repo = newRepo({
      tasks: { 'tasks/one.md': { title: 'One' } },
      tracks: [{ id: 'solo', tasks: ['tasks/one.md'] }],
    });
    const starts = await Promise.all(Array.from({ length: N }, () => repo.orchestrate(['run', '--config', 'tracks.yaml', '--fast', '--new', '--detach', '--json'])));
    for (const s of starts) expect(s.exitCode, s.stderr).toBe(0);
    const lines = starts.map((s) => JSON.parse(s.stdout.trim().split('\n')[0]!));
    for (const l of lines) expect(l.status).toBe('started');
    const ids = lines.map((l) => l.orchestration_id as string);
    expect(new Set(ids).size).toBe(N);
    expect(new Set(lines.map((l) => l.orch_dir)).size).toBe(N);

    const runIds: string[] = [];
    for (const id of ids) {
      const w = await repo.wait(id, 240);
      expect(w.exitCode, `${id}: ${w.stdout}\n${w.stderr}`).toBe(0);
      expect(w.out).toMatchObject({ orchestration_id: id, status: 'complete', tasks: { complete: 1, total: 1 } });
      const s = await repo.status(id);
      runIds.push(...s.tasks.flatMap((t) => t.runs));
    }
    expect(runIds).toHaveLength(N);
    expect(new Set(runIds).size).toBe(N);
    const all = await repo.orchestrate(['status', '--all']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.json().orchestrations.map((o: { orchestration_id: string }) => o.orchestration_id).sort()).toEqual([...ids].sort());
  }, 300_000);
});
