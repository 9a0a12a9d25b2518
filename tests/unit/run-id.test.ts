import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_ID_PATTERN } from '../../src/store/paths.js';
import { allocateRunDir, plainRunId, suffixedRunId } from '../../src/store/run-id.js';
import { listRunIds } from '../../src/store/list-runs.js';

const T = Date.UTC(2026, 0, 2, 14, 30, 52, 7); // 2026-01-02T14:30:52.007Z
const runsDirIn = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-ids-')), '.runr', 'runs');

describe('run ids', () => {
  it('are the UTC start time, as the operator guide shows, when it is free', async () => {
    const runs = runsDirIn();
    const { runId, runDir } = await allocateRunDir(runs, { nowMs: T });
    expect(runId).toBe('20260102143052');
    expect(runDir).toBe(path.join(runs, runId));
    expect(fs.statSync(runDir).isDirectory()).toBe(true);
  });

  it('get a suffix (milliseconds, then random base 36) when the plain id is taken, never the next second', async () => {
    const runs = runsDirIn();
    await allocateRunDir(runs, { nowMs: T });
    const second = await allocateRunDir(runs, { nowMs: T, random: () => 'k3f9a' });
    expect(second.runId).toBe('20260102143052-007k3f9a');
    expect(second.runId).toMatch(RUN_ID_PATTERN);
  });

  it('try another suffix when a suffixed id is taken too', async () => {
    const runs = runsDirIn();
    const randoms = ['aaaaa', 'aaaaa', 'bbbbb'];
    await allocateRunDir(runs, { nowMs: T });
    const a = await allocateRunDir(runs, { nowMs: T, random: () => randoms.shift()! });
    const b = await allocateRunDir(runs, { nowMs: T, random: () => randoms.shift()! });
    expect([a.runId, b.runId]).toEqual(['20260102143052-007aaaaa', '20260102143052-007bbbbb']);
  });

  it('get a suffix when the id is taken elsewhere (its branch), and leave no directory for the refused one', async () => {
    const runs = runsDirIn();
    const asked: string[] = [];
    const { runId } = await allocateRunDir(runs, {
      nowMs: T, random: () => 'zzzzz', claimElsewhere: async (id) => { asked.push(id); return id !== '20260102143052'; },
    });
    expect(asked).toEqual(['20260102143052', '20260102143052-007zzzzz']);
    expect(runId).toBe('20260102143052-007zzzzz');
    expect(fs.readdirSync(runs)).toEqual([runId]);
  });

  it('always get a suffix when ids must be unique across machines', async () => {
    const { runId } = await allocateRunDir(runsDirIn(), { nowMs: T, alwaysSuffix: true, random: () => '0a1b2' });
    expect(runId).toBe('20260102143052-0070a1b2');
  });

  it('fail with a clear error when no id can be claimed', async () => {
    await expect(allocateRunDir(runsDirIn(), { nowMs: T, claimElsewhere: async () => false })).rejects.toThrow(/could not allocate a run id/);
  });

  it('are unique among many concurrent claims in one second', async () => {
    const runs = runsDirIn();
    const ids = await Promise.all(Array.from({ length: 200 }, () => allocateRunDir(runs, { nowMs: T }).then((r) => r.runId)));
    expect(new Set(ids).size).toBe(200);
    expect(ids.filter((id) => id === '20260102143052')).toHaveLength(1);
    for (const id of ids) expect(id).toMatch(RUN_ID_PATTERN);
  });

  it('sort by start time as strings: plain before suffixed in its second, then by milliseconds, then the next second', () => {
    const ids = [
      suffixedRunId(T + 993, () => '00000'), // 14:30:53.000
      suffixedRunId(T + 500, () => 'aaaaa'), // 14:30:52.507
      plainRunId(T),
      suffixedRunId(T, () => 'zzzzz'), // 14:30:52.007
      plainRunId(T - 1000),
    ];
    expect([...ids].sort()).toEqual([
      '20260102143051', '20260102143052', '20260102143052-007zzzzz', '20260102143052-507aaaaa', '20260102143053-00000000',
    ]);
  });

  it('newest first in listings, latest being the newest (suffixes included)', async () => {
    const runs = runsDirIn();
    for (const name of ['20260102143052', '20260102143052-507aaaaa', '20260102143051', '20260102143052-007zzzzz', 'not-a-run', '20260102143052-x']) {
      fs.mkdirSync(path.join(runs, name), { recursive: true });
    }
    expect(listRunIds(path.resolve(runs, '..', '..'))).toEqual(['20260102143052-507aaaaa', '20260102143052-007zzzzz', '20260102143052', '20260102143051']);
  });

  it('the pattern accepts only what runr makes (no path tricks)', () => {
    for (const ok of ['20260102143052', '20260102143052-007k3f9a']) expect(ok).toMatch(RUN_ID_PATTERN);
    for (const bad of ['2026010214305', '20260102143052-', '20260102143052-007K3F9A', '20260102143052-../../x', 'latest', '20260102143052-007k3f9a/..']) {
      expect(bad).not.toMatch(RUN_ID_PATTERN);
    }
  });
});
