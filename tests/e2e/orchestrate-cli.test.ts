import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectJsonError, RUN_ID } from '../helpers/cli.js';
import { until } from '../helpers/crash.js';
import { orchRepos, taskOf, withLines, type OrchRepo } from '../helpers/orchestrate.js';

const newRepo = orchRepos();

/** One track, one task whose IMPLEMENT waits at gate "hold" until the test opens it. */
const heldRepo = () => newRepo({
  tasks: { 'tasks/held.md': { title: 'Held', agent: { write: { 'src/held.txt': 'held\n' }, gate: 'hold' } } },
  tracks: [{ id: 'held', tasks: ['tasks/held.md'] }],
});

async function startDetached(repo: OrchRepo, extra: string[] = []) {
  const r = await repo.orchestrate(['run', '--config', 'tracks.yaml', '--fast', '--json', '--detach', ...extra]);
  expect(r.exitCode, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines, r.stdout).toHaveLength(1);
  return JSON.parse(lines[0]!) as { orchestration_id: string; orch_dir: string; status: string };
}

describe('orchestrate CLI contract', { timeout: 180_000 }, () => {
  it('--json: the first line is {orchestration_id, orch_dir, status: "started"}; the last is the wait output; latest; follow', async () => {
    const repo = newRepo({ tasks: { 'tasks/one.md': { title: 'One' } }, tracks: [{ id: 't', tasks: ['tasks/one.md'] }] });
    const r = await repo.run(['--fast']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(Object.keys(r.start).sort()).toEqual(['orch_dir', 'orchestration_id', 'status']);
    expect(r.start.status).toBe('started');
    expect(r.start.orchestration_id).toMatch(RUN_ID);
    expect(r.start.orch_dir).toBe(repo.orchDir(r.start.orchestration_id));
    expect(r.end).toEqual({
      orchestration_id: r.start.orchestration_id, status: 'complete', stop_reason: 'complete',
      tasks: { complete: 1, total: 1 }, integration_branch: `runr/orch/${r.start.orchestration_id}`,
    });
    for (const file of ['events.ndjson', 'state.json', 'tracks.yaml', 'report.json', 'summary.md']) {
      expect(fs.existsSync(path.join(r.start.orch_dir, file)), file).toBe(true);
    }
    expect(fs.existsSync(path.join(r.start.orch_dir, 'lease.json'))).toBe(false);

    const latest = await repo.status('latest');
    expect(latest).toMatchObject({ orchestration_id: r.start.orchestration_id, status: 'complete', max_parallel: 2 });
    const report = await repo.orchestrate(['report', 'latest', '--json']);
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.json().orchestration_id).toBe(r.start.orchestration_id);

    // follow of a finished orchestration: its journal, as NDJSON, then it ends.
    const follow = await repo.orchestrate(['follow', 'latest', '--json'], { timeoutMs: 30_000 });
    expect(follow.exitCode, follow.stderr).toBe(0);
    const types = follow.lines().map((e: { type: string }) => e.type);
    expect(types[0]).toBe('orch_started');
    expect(types.at(-1)).toBe('orch_stopped');
    expect(follow.lines()).toEqual(repo.orchEvents(r.start.orchestration_id));
  });

  it('status --all lists orchestrations newest first; wait --timeout 1 on a running one → 124 with timed_out', async () => {
    const repo = heldRepo();
    const first = await startDetached(repo);
    const second = await startDetached(repo, ['--new']);
    expect(second.status).toBe('started');
    expect(second.orchestration_id).not.toBe(first.orchestration_id);

    const w = await repo.wait(first.orchestration_id, 1);
    expect(w.exitCode, w.stderr).toBe(124);
    expect(w.out).toMatchObject({ orchestration_id: first.orchestration_id, status: 'running', timed_out: true });

    const all = await repo.orchestrate(['status', '--all']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.json().orchestrations.map((o: { orchestration_id: string }) => o.orchestration_id)).toEqual([second.orchestration_id, first.orchestration_id]);

    repo.openGate('hold');
    for (const id of [first.orchestration_id, second.orchestration_id]) {
      const done = await repo.wait(id);
      expect(done.exitCode, done.stderr).toBe(0);
      expect(done.out.timed_out).toBeUndefined();
    }
  });

  it('the same tracks file while it is active: the active orchestration is returned (status "active") unless --new', async () => {
    const repo = heldRepo();
    const first = await startDetached(repo);
    const again = await startDetached(repo);
    expect(again).toEqual({ ...first, status: 'active' });
    // Once the task is at its gate its run exists: the second `run` started no other.
    await until(() => repo.gateReached('hold'), 'the held task at its gate');
    const running = await repo.status(first.orchestration_id);
    expect(taskOf(running, 'held/held').runs).toHaveLength(1);

    // The foreground form prints the active one's line, then waits for it like orchestrate wait.
    const fg = repo.orchestrate(['run', '--config', 'tracks.yaml', '--fast', '--json']);
    await new Promise((r) => setTimeout(r, 1500));
    repo.openGate('hold');
    const r = withLines(await fg);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.start).toEqual({ ...first, status: 'active' });
    expect(r.end).toMatchObject({ orchestration_id: first.orchestration_id, status: 'complete' });
    const all = await repo.orchestrate(['status', '--all']);
    expect(all.json().orchestrations).toHaveLength(1);
  });

  it('errors: unknown id → exit 3 orchestration_not_found; invalid or missing tracks file → exit 2 naming it', async () => {
    const repo = newRepo({ tasks: { 'tasks/one.md': { title: 'One' } }, tracks: [{ id: 't', tasks: ['tasks/one.md'] }] });
    for (const args of [['status', '20990101000000', '--json'], ['wait', '20990101000000', '--json'], ['report', '20990101000000', '--json'], ['resume', '20990101000000', '--json'], ['status', 'latest', '--json']]) {
      const e = expectJsonError(await repo.orchestrate(args), 3);
      expect(e.code, args.join(' ')).toBe('orchestration_not_found');
    }

    repo.write('bad.yaml', 'tracks:\n  - id: a\n    tasks:\n      - pth: tasks/one.md\n');
    const bad = expectJsonError(await repo.orchestrate(['run', '--config', 'bad.yaml', '--json']), 2);
    expect(bad.code).toBe('tracks_invalid');
    expect(bad.message).toContain('bad.yaml');
    expect(bad.message).toContain('tracks[0].tasks[0]');

    const missingTask = 'tracks:\n  - id: a\n    tasks:\n      - path: tasks/nope.md\n';
    repo.write('missing-task.yaml', missingTask);
    const noTask = expectJsonError(await repo.orchestrate(['run', '--config', 'missing-task.yaml', '--json']), 2);
    expect(noTask.message).toContain('tracks[0].tasks[0].path');

    const missing = expectJsonError(await repo.orchestrate(['run', '--config', 'nowhere.yaml', '--json']), 2);
    expect(missing.code).toBe('tracks_not_found');
    expect(missing.message).toContain('nowhere.yaml');
    expect(fs.existsSync(path.join(repo.dir, '.runr', 'orchestrations')) ? fs.readdirSync(path.join(repo.dir, '.runr', 'orchestrations')) : []).toEqual([]);
  });

  it('the operator guide\'s example runs as shown: runr orchestrate run --config tracks.yaml --worktree', async () => {
    const repo = newRepo({
      tasks: {
        'tasks/auth-backend.md': { title: 'Auth backend', agent: { write: { 'src/auth/backend.txt': 'backend\n' } } },
        'tasks/auth-frontend.md': { title: 'Auth frontend', agent: { write: { 'src/auth/frontend.txt': 'frontend\n' } } },
        'tasks/dark-mode.md': { title: 'Dark mode', agent: { write: { 'src/ui/dark.txt': 'dark\n' } } },
      },
      tracks: [
        { id: 'auth', tasks: ['tasks/auth-backend.md', 'tasks/auth-frontend.md'] },
        { id: 'ui', tasks: ['tasks/dark-mode.md'] },
      ],
    });
    expect(repo.read('tracks.yaml')).toBe([
      'tracks:', '  - id: auth', '    tasks:', '      - path: tasks/auth-backend.md', '      - path: tasks/auth-frontend.md',
      '  - id: ui', '    tasks:', '      - path: tasks/dark-mode.md', '',
    ].join('\n'));
    const r = await repo.orchestrate(['run', '--config', 'tracks.yaml', '--worktree']);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);

    const s = await repo.status('latest');
    expect(s.status).toBe('complete');
    expect(s.tasks.map((t) => [t.key, t.status]).sort()).toEqual([['auth/auth-backend', 'complete'], ['auth/auth-frontend', 'complete'], ['ui/dark-mode', 'complete']]);
    for (const file of ['src/auth/backend.txt', 'src/auth/frontend.txt', 'src/ui/dark.txt']) expect(repo.filesIn(s.integration.branch)).toContain(file);
    const human = await repo.orchestrate(['status', 'latest', '--human']);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toContain(s.orchestration_id);
  });
});
