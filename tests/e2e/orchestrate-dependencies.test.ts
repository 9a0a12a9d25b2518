import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { flakyCheck } from '../helpers/e2e-support.js';
import { orchRepos, span, taskOf, writer } from '../helpers/orchestrate.js';

const newRepo = orchRepos();

describe('orchestrate: dependencies', { timeout: 180_000 }, () => {
  it('honours depends_on (a track, a track/task), runs a when: stopped clean-up, skips what depended on a stopped task; exit 1', async () => {
    const repo = newRepo({
      tasks: {
        'tasks/backend.md': writer('Backend', { 'src/backend.txt': 'backend\n' }),
        'tasks/frontend.md': writer('Frontend', { 'src/frontend.txt': 'frontend\n' }, { sleep_ms: 1500 }),
        'tasks/api.md': writer('Api', { 'src/api.txt': 'api\n' }),
        'tasks/web.md': writer('Web', { 'src/web.txt': 'web\n' }),
        // Writing .env is a guard violation: a stop that is not resumable.
        'tasks/broken.md': { title: 'Broken', agent: { write: { '.env': 'SECRET=1\n' } } },
        'tasks/after-broken.md': writer('After broken', { 'src/after.txt': 'after\n' }),
        'tasks/cleanup.md': writer('Clean up', { 'src/cleanup.txt': 'cleanup\n' }),
        'tasks/not-needed.md': writer('Not needed', { 'src/not-needed.txt': 'x\n' }),
      },
      tracks: [
        { id: 'auth', tasks: ['tasks/backend.md', 'tasks/frontend.md'] },
        { id: 'api', depends_on: ['auth'], tasks: ['tasks/api.md'] },
        { id: 'web', depends_on: ['auth/backend'], tasks: ['tasks/web.md'] },
        { id: 'broken', tasks: ['tasks/broken.md'] },
        { id: 'after', depends_on: ['broken'], tasks: ['tasks/after-broken.md'] },
        { id: 'cleanup', depends_on: [{ on: 'broken', when: 'stopped' }], tasks: ['tasks/cleanup.md'] },
        { id: 'spare', depends_on: [{ on: 'auth', when: 'stopped' }], tasks: ['tasks/not-needed.md'] },
      ],
    });
    const r = await repo.run(['--fast', '--max-parallel', '2']);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.end).toMatchObject({ status: 'stopped', tasks: { complete: 5, total: 8 } });

    const s = await repo.status(r.start.orchestration_id);
    expect(s.counts).toMatchObject({ complete: 5, stopped: 1, skipped: 2, pending: 0, running: 0, waiting: 0 });
    expect(taskOf(s, 'broken/broken')).toMatchObject({ status: 'stopped', stop_reason: 'guard_violation' });
    expect(taskOf(s, 'after/after-broken')).toMatchObject({ status: 'skipped', run_id: null });
    expect(taskOf(s, 'after/after-broken').skipped_because).toContain('broken');
    expect(taskOf(s, 'spare/not-needed')).toMatchObject({ status: 'skipped', run_id: null });
    expect(taskOf(s, 'spare/not-needed').skipped_because).toContain('auth');
    expect(taskOf(s, 'cleanup/cleanup').status).toBe('complete');
    expect(repo.callsOf('After broken')).toEqual([]);
    expect(repo.callsOf('Not needed')).toEqual([]);
    const skipped = repo.orchEvents(r.start.orchestration_id).filter((e) => e.type === 'task_skipped').map((e) => e.key).sort();
    expect(skipped).toEqual(['after/after-broken', 'spare/not-needed']);

    // Order: a track dependency waits for the track's last task, a task dependency only for that task.
    const [backend, frontend, api, web, broken, cleanup] = ['Backend', 'Frontend', 'Api', 'Web', 'Broken', 'Clean up'].map((t) => span(repo.callsOf(t)));
    expect(api!.start).toBeGreaterThanOrEqual(frontend!.end);
    expect(web!.start).toBeGreaterThanOrEqual(backend!.end);
    expect(cleanup!.start).toBeGreaterThanOrEqual(broken!.end);
    // A dependent track starts from its dependency's branch.
    const files = (key: string) => repo.filesIn(taskOf(s, key).branch!);
    expect(files('api/api')).toEqual(expect.arrayContaining(['src/backend.txt', 'src/frontend.txt', 'src/api.txt']));
    expect(files('web/web')).toEqual(expect.arrayContaining(['src/backend.txt', 'src/web.txt']));
    expect(files('web/web')).not.toContain('src/frontend.txt');
  });
});

describe('orchestrate: resumable child stops are resumed', { timeout: 180_000 }, () => {
  it('a task stopped by flaky verification is auto-resumed and completes', async () => {
    const repo = newRepo({
      tasks: { 'tasks/flaky.md': writer('Flaky', { 'src/flaky.txt': 'flaky\n' }) },
      tracks: [{ id: 'only', tasks: [{ path: 'tasks/flaky.md', verification: { tier0: ['node flaky.js'] } }] }],
    });
    const counter = path.join(repo.stateDir, 'flaky-count');
    // Fails three times: the run's verification retries are used up (verification_failed_max_retries), then passes.
    repo.write('flaky.js', flakyCheck(counter, 3));
    repo.git('add', 'flaky.js');
    repo.git('commit', '-qm', 'flaky check');

    const r = await repo.run(['--fast']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.end).toMatchObject({ status: 'complete', tasks: { complete: 1, total: 1 } });
    expect(fs.readFileSync(counter, 'utf8')).toBe('4');

    const s = await repo.status(r.start.orchestration_id);
    const task = taskOf(s, 'only/flaky');
    expect(task).toMatchObject({ status: 'complete', auto_resumes: 1, runs: [task.run_id] });
    const resumed = repo.orchEvents(r.start.orchestration_id).filter((e) => e.type === 'task_run_resumed');
    expect(resumed).toEqual([expect.objectContaining({ key: 'only/flaky', run_id: task.run_id, after: 'verification_failed_max_retries' })]);
    expect(repo.git('show', `${s.integration.branch}:src/flaky.txt`)).toBe('flaky');
  });
});
