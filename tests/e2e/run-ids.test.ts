// Run ids unique across processes (and machines sharing a remote), and a run directory that replays in another clone.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportOutputSchema, StatusAllOutputSchema, StatusOutputSchema } from '../../src/contracts/outputs.js';
import { git, TestRepo, type RunrResult } from '../helpers/harness.js';
import { RUN_ID, tempDir, runrIn } from '../helpers/cli.js';
import { twoMilestoneScript } from '../helpers/crash.js';
import { runToEnd } from '../helpers/e2e-support.js';

/** The UTC second an id begins with, in ms. */
const idSecond = (id: string) => Date.UTC(+id.slice(0, 4), +id.slice(4, 6) - 1, +id.slice(6, 8), +id.slice(8, 10), +id.slice(10, 12), +id.slice(12, 14));

describe('run ids across processes', () => {
  it('50 runs started at once from 50 processes get distinct ids and branches, each beginning with its start time', async () => {
    // An instant shell worker and a no-op verification: the runs are short, the starts overlap.
    const worker = { type: 'command', command: ['sh', '-c', 'cat >/dev/null; echo "$RUNR_RUN_ID" >"run-$RUNR_RUN_ID.txt"; echo \'{"status":"ok","summary":"one file"}\''] };
    const repo = new TestRepo({
      config: { workers: { planner: worker, implementer: worker, reviewer: worker }, verification: { tier0: [], tier1: [], tier2: ['true'] }, sandbox: 'off' },
    });
    const t0 = Date.now();
    const runs = await Promise.all(Array.from({ length: 50 }, (_, i) => repo.runr(
      ['run', '--task', repo.taskPath, '--worktree', '--fast', '--json'],
      // Every other process says its machine shares a remote: its id always carries the suffix.
      { env: i % 2 ? { RUNR_ID_SUFFIX: 'always' } : {}, timeoutMs: 120_000 },
    )));
    const t1 = Date.now();
    const ids = runs.map((r: RunrResult, i) => {
      expect(r.exitCode, `run ${i}: ${r.stderr}`).toBe(0);
      return JSON.parse(r.stdout.split('\n')[0]!).run_id as string;
    });
    expect(new Set(ids).size).toBe(50);
    for (const [i, id] of ids.entries()) {
      expect(id).toMatch(RUN_ID);
      if (i % 2) expect(id).toMatch(/-/);
      expect(idSecond(id)).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
      expect(idSecond(id)).toBeLessThanOrEqual(t1);
    }
    // Each run has its own branch holding its own checkpoint, and its own worktree.
    const branches = repo.git('for-each-ref', '--format=%(refname:short)', 'refs/heads/runr/').split('\n').sort();
    expect(branches).toEqual(ids.map((id) => `runr/${id}`).sort());
    const all = (await repo.runr(['status', '--all'])).json(StatusAllOutputSchema);
    expect(all.runs.map((s) => s.run_id)).toEqual([...ids].sort().reverse());
    for (const s of all.runs) {
      expect(s.stop_reason).toBe('complete');
      expect(s.worktree_path).toBe(path.join(repo.dir, '.runr', 'worktrees', s.run_id));
      expect(repo.git('log', '-1', '--format=%B', `runr/${s.run_id}`)).toContain(`Runr-Checkpoint: ${s.run_id}/m1`);
      expect(repo.git('show', `runr/${s.run_id}:run-${s.run_id}.txt`)).toBe(s.run_id);
    }
    // `latest` is the newest id.
    expect((await repo.runr(['status', 'latest'])).json(StatusOutputSchema).run_id).toBe([...ids].sort().at(-1));
  }, 180_000);

  it('a run branch already there (left by a removed run, or fetched from another machine) gives the new run a suffixed id', async () => {
    const repo = new TestRepo({ script: { IMPLEMENT: [{ result: { status: 'ok', summary: 'done' } }] } });
    // Branches runr/<id> for this second and the next few, as another machine would have pushed them.
    const now = Date.now();
    const head = repo.git('rev-parse', 'HEAD');
    const taken = Array.from({ length: 30 }, (_, i) => new Date(now + i * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14));
    for (const id of taken) repo.git('update-ref', `refs/remotes/origin/runr/${id}`, head);
    const run = await runToEnd(repo, ['--fast']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.runId).toMatch(/^\d{14}-\d{3}[0-9a-z]{5}$/);
    expect(taken).toContain(run.runId.slice(0, 14));
    expect(repo.git('rev-parse', `refs/remotes/origin/runr/${run.runId.slice(0, 14)}`)).toBe(head); // untouched
  });

  it('an id with a suffix is accepted wherever a run id is; a malformed one is refused as before', async () => {
    const repo = new TestRepo();
    const r = await repo.runr(['status', '20260102143052-007k3f9a']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/Run not found: 20260102143052-007k3f9a/);
    const bad = await repo.runr(['status', '20260102143052-../../x']);
    expect(bad.exitCode).toBe(3);
    expect(bad.stderr).toMatch(/is not a run id/);
  });
});

describe('a relocatable run directory', () => {
  it('copied into a second clone (with its branch), it shows the same state there and resumes to completion', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    // Stopped after m1's checkpoint, in the middle of m2.
    const first = await runToEnd(repo, ['--max-ticks', '8']);
    expect(first.status.stop_reason).toBe('max_ticks_reached');
    expect(first.status.milestones.map((m) => m.status)).toEqual(['complete', 'in_progress']);
    const id = first.runId;

    // The journal names no path of the first clone.
    expect(fs.readFileSync(path.join(repo.runDir(id), 'events.ndjson'), 'utf8')).not.toContain(repo.dir);

    // A second clone: git clone, the run branch and the run's recorded configuration fetched (so that the
    // resume checks the journal against it there too), the run directory and .runr's config and tasks copied.
    const second = path.join(tempDir('runr-clone-'), 'clone');
    git(path.dirname(second), 'clone', '-q', repo.dir, second);
    git(second, 'fetch', '-q', 'origin', `runr/${id}:runr/${id}`, `refs/runr/config/${id}:refs/runr/config/${id}`);
    fs.cpSync(path.join(repo.dir, '.runr'), path.join(second, '.runr'), {
      recursive: true, filter: (src) => !src.includes(`${path.sep}worktrees`),
    });

    const env = repo.env();
    const statusThere = (await runrIn(second, ['status', id], env)).json(StatusOutputSchema);
    const statusHere = StatusOutputSchema.parse(first.status);
    expect({ ...statusThere, worktree_path: null }).toEqual({ ...statusHere, worktree_path: null });
    expect(statusThere.worktree_path).toBe(path.join(second, '.runr', 'worktrees', id));

    const reportThere = (await runrIn(second, ['report', id, '--json'], env)).json(ReportOutputSchema);
    const reportHere = (await repo.runr(['report', id, '--json'])).json(ReportOutputSchema);
    const sansPaths = (r: Record<string, unknown>) => JSON.parse(JSON.stringify(r).replaceAll(repo.dir, '<repo>').replaceAll(second, '<repo>'));
    expect(sansPaths(reportThere)).toEqual(sansPaths(reportHere));
    expect(reportThere.run_dir).toBe(path.join(second, '.runr', 'runs', id));

    const resumed = await runrIn(second, ['resume', id, '--max-ticks', '100'], env);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const done = (await runrIn(second, ['status', id], env)).json(StatusOutputSchema);
    expect(done.stop_reason).toBe('complete');
    expect(done.milestones.map((m) => m.status)).toEqual(['complete', 'complete']);
    expect(git(second, 'show', `runr/${id}:src/b.js`)).toContain('b = 2');
    // m1 was not redone: one checkpoint per milestone on the branch.
    expect(git(second, 'log', '--format=%(trailers:key=Runr-Checkpoint,valueonly)', `runr/${id}`).split('\n').filter(Boolean)).toEqual([`${id}/m2`, `${id}/m1`]);
  }, 120_000);
});
