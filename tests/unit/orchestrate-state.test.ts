// An orchestration's state is the fold of its journal (SPEC §9): what each event does to the tasks and the integration.
import { describe, expect, it } from 'vitest';
import type { OrchEvent, OrchEventInput, OrchState, OrchTaskState } from '../../src/contracts/orchestration.js';
import { OrchStateSchema } from '../../src/contracts/orchestration.js';
import { foldOrch, stepOrch } from '../../src/orchestrate/orch-state.js';

const ORCH = '20261126100000';

function planned(key: string, previous: string | null = null) {
  const [track, id] = key.split('/') as [string, string];
  return {
    key, track, id, file: `/repo/tasks/${id}.md`, title: `Task ${id}`, previous,
    depends_on: previous ? [{ on: previous, when: 'complete' as const }] : [],
    fast: null, worker: null, allowlist_add: [], verification: null,
  };
}

/** A journal under construction: each event gets the next seq and a timestamp one second after the last. */
function journal() {
  const events: OrchEvent[] = [];
  const tsOf = (n: number) => new Date(Date.UTC(2026, 10, 26, 10, 0, n)).toISOString();
  const add = (e: OrchEventInput): OrchEvent => {
    const event = { ...e, seq: events.length + 1 } as OrchEvent;
    events.push(event);
    return event;
  };
  const at = () => tsOf(events.length);
  const api = {
    events,
    tsOf,
    /** Adds an event (ts filled in) and returns the folded state. */
    push(e: Record<string, unknown> & { type: OrchEvent['type'] }): OrchState {
      add({ ts: at(), ...e } as unknown as OrchEventInput);
      const state = foldOrch(events)!;
      expect(OrchStateSchema.safeParse(state).success).toBe(true);
      return state;
    },
  };
  api.push({
    type: 'orch_started', orch_id: ORCH, repo_root: '/repo', tracks_file: '/repo/tracks.yaml', tracks_sha256: 'f'.repeat(64),
    config_path: '/repo/.runr/runr.config.json', base_sha: 'a'.repeat(40),
    options: { max_parallel: 2, collision_policy: 'serialize', fast: false, fix_conflicts: true, max_auto_resumes: 3 },
    tracks: [{ id: 'auth', tasks: ['login', 'logout'] }, { id: 'ui', tasks: ['theme'] }],
    tasks: [planned('auth/login'), planned('auth/logout', 'auth/login'), planned('ui/theme')],
  });
  return api;
}

const taskOf = (s: OrchState, key: string): OrchTaskState => s.tasks.find((t) => t.key === key)!;

describe('orch_started', () => {
  it('makes every planned task pending and the integration pending on runr/orch/<id>', () => {
    const j = journal();
    const s = foldOrch(j.events)!;
    expect(s.status).toBe('running');
    expect(s.tasks.map((t) => [t.key, t.status, t.run_id])).toEqual([
      ['auth/login', 'pending', null], ['auth/logout', 'pending', null], ['ui/theme', 'pending', null],
    ]);
    expect(s.integration).toMatchObject({ branch: `runr/orch/${ORCH}`, status: 'pending', merged: [], conflict: null });
    expect(s.started_at).toBe(j.tsOf(0));
  });

  it('an empty journal folds to nothing; an event before orch_started throws', () => {
    expect(foldOrch([])).toBeNull();
    expect(() => stepOrch(null, { seq: 1, ts: 'x', type: 'task_skipped', key: 'a/b', because: 'x' })).toThrow(/task_skipped before orch_started/);
  });
});

describe('a task through its run', () => {
  it('pending → waiting(dependency) → running → waiting(quota) → running → complete, with every wait in its history', () => {
    const j = journal();
    let s = j.push({ type: 'task_waiting', key: 'auth/logout', reason: 'dependency', detail: 'waits for auth/login' });
    expect(taskOf(s, 'auth/logout')).toMatchObject({ status: 'waiting', waiting: { reason: 'dependency', detail: 'waits for auth/login', since: j.tsOf(1) } });

    s = j.push({ type: 'task_run_started', key: 'auth/logout', run_id: '20261126100002', base_ref: 'runr/20261126100001' });
    let t = taskOf(s, 'auth/logout');
    expect(t).toMatchObject({ status: 'running', run_id: '20261126100002', runs: ['20261126100002'], branch: 'runr/20261126100002', base_ref: 'runr/20261126100001', started_at: j.tsOf(2) });
    expect(t.waiting).toBeUndefined();
    expect(t.waits).toEqual([{ reason: 'dependency', detail: 'waits for auth/login', since: j.tsOf(1), until: j.tsOf(2) }]);

    s = j.push({ type: 'task_waiting', key: 'auth/logout', reason: 'quota', detail: 'claude is rate-limited', retry_at: '2026-11-26T11:00:00.000Z' });
    expect(taskOf(s, 'auth/logout')).toMatchObject({ status: 'waiting', waiting: { reason: 'quota', retry_at: '2026-11-26T11:00:00.000Z' } });

    s = j.push({ type: 'task_going', key: 'auth/logout' });
    t = taskOf(s, 'auth/logout');
    expect(t.status).toBe('running');
    expect(t.waiting).toBeUndefined();
    expect(t.waits.at(-1)).toEqual({ reason: 'quota', detail: 'claude is rate-limited', since: j.tsOf(3), until: j.tsOf(4) });

    s = j.push({ type: 'task_ended', key: 'auth/logout', run_id: '20261126100002', outcome: 'complete', stop_reason: 'complete', stop_detail: null, checkpoint_sha: 'c'.repeat(40), next_command: null });
    t = taskOf(s, 'auth/logout');
    expect(t).toMatchObject({ status: 'complete', stop_reason: 'complete', checkpoint_sha: 'c'.repeat(40), ended_at: j.tsOf(5), started_at: j.tsOf(2) });
    expect(t.waits).toHaveLength(2);
    expect(s.seq).toBe(6);
    expect(s.updated_at).toBe(j.tsOf(5));
  });

  it('a wait that ends without a run goes back to pending; a new wait closes the one before', () => {
    const j = journal();
    j.push({ type: 'task_waiting', key: 'ui/theme', reason: 'capacity', detail: '2 tasks run' });
    let s = j.push({ type: 'task_waiting', key: 'ui/theme', reason: 'collision', detail: 'waits for auth/login: both may change a.ts' });
    expect(taskOf(s, 'ui/theme').waits.map((w) => [w.reason, w.until])).toEqual([['capacity', j.tsOf(2)], ['collision', null]]);
    s = j.push({ type: 'task_going', key: 'ui/theme' });
    expect(taskOf(s, 'ui/theme').status).toBe('pending');
    expect(taskOf(s, 'ui/theme').waits.at(-1)!.until).toBe(j.tsOf(3));
  });

  it('a stop keeps the reason, detail and next command; only automatic resumes are counted', () => {
    const j = journal();
    j.push({ type: 'task_run_started', key: 'auth/login', run_id: 'r1', base_ref: 'a'.repeat(40) });
    let s = j.push({ type: 'task_ended', key: 'auth/login', run_id: 'r1', outcome: 'stopped', stop_reason: 'stalled_timeout', stop_detail: 'no output for 10 min', checkpoint_sha: null, next_command: 'runr resume r1' });
    expect(taskOf(s, 'auth/login')).toMatchObject({ status: 'stopped', stop_reason: 'stalled_timeout', stop_detail: 'no output for 10 min', next_command: 'runr resume r1', ended_at: j.tsOf(2) });

    s = j.push({ type: 'task_run_resumed', key: 'auth/login', run_id: 'r1', auto: true, after: 'stalled_timeout' });
    expect(taskOf(s, 'auth/login')).toMatchObject({ status: 'running', auto_resumes: 1, stop_reason: null, stop_detail: null, next_command: null, ended_at: null, runs: ['r1'] });

    j.push({ type: 'task_ended', key: 'auth/login', run_id: 'r1', outcome: 'stopped', stop_reason: 'interrupted', stop_detail: null, checkpoint_sha: null, next_command: 'runr resume r1' });
    s = j.push({ type: 'task_run_resumed', key: 'auth/login', run_id: 'r1', auto: false, after: 'interrupted' });
    expect(taskOf(s, 'auth/login')).toMatchObject({ status: 'running', auto_resumes: 1 });
  });

  it('a skip says why and ends the task', () => {
    const j = journal();
    j.push({ type: 'task_waiting', key: 'auth/logout', reason: 'dependency', detail: 'waits for auth/login' });
    const s = j.push({ type: 'task_skipped', key: 'auth/logout', because: 'auth/login stopped (guard_violation)' });
    const t = taskOf(s, 'auth/logout');
    expect(t).toMatchObject({ status: 'skipped', skipped_because: 'auth/login stopped (guard_violation)', ended_at: j.tsOf(2) });
    expect(t.waiting).toBeUndefined();
    expect(t.waits[0]!.until).toBe(j.tsOf(2));
    expect(taskOf(s, 'auth/login').status).toBe('pending');
  });
});

describe('task_reopened', () => {
  it('a stopped task with a run is running again, its stop and auto-resume count cleared', () => {
    const j = journal();
    j.push({ type: 'task_run_started', key: 'auth/login', run_id: 'r1', base_ref: 'a'.repeat(40) });
    j.push({ type: 'task_run_resumed', key: 'auth/login', run_id: 'r1', auto: true, after: 'worker_failed' });
    j.push({ type: 'task_ended', key: 'auth/login', run_id: 'r1', outcome: 'stopped', stop_reason: 'worker_failed', stop_detail: 'boom', checkpoint_sha: null, next_command: 'runr resume r1' });
    const s = j.push({ type: 'task_reopened', key: 'auth/login', fresh: false });
    expect(taskOf(s, 'auth/login')).toMatchObject({
      status: 'running', run_id: 'r1', auto_resumes: 0, stop_reason: null, stop_detail: null, next_command: null, ended_at: null,
    });
  });

  it('a skipped task is pending again, without its reason', () => {
    const j = journal();
    j.push({ type: 'task_skipped', key: 'auth/logout', because: 'auth/login stopped' });
    const s = j.push({ type: 'task_reopened', key: 'auth/logout', fresh: true });
    expect(taskOf(s, 'auth/logout')).toMatchObject({ status: 'pending', skipped_because: null, ended_at: null, run_id: null });
  });
  it('a task that stopped for good starts again: pending, without its run, which stays in its runs', () => {
    const j = journal();
    j.push({ type: 'task_run_started', key: 'auth/login', run_id: 'r1', base_ref: 'a'.repeat(40) });
    j.push({ type: 'task_ended', key: 'auth/login', run_id: 'r1', outcome: 'stopped', stop_reason: 'guard_violation', stop_detail: 'x', checkpoint_sha: null, next_command: '# fix' });
    const s = j.push({ type: 'task_reopened', key: 'auth/login', fresh: true });
    expect(taskOf(s, 'auth/login')).toMatchObject({ status: 'pending', run_id: null, branch: null, runs: ['r1'], stop_reason: null });
  });

  it('a task whose run could not start is pending again, and its next run is added to its runs', () => {
    const j = journal();
    j.push({ type: 'task_ended', key: 'ui/theme', run_id: null, outcome: 'stopped', stop_reason: 'config_invalid', stop_detail: 'bad config', checkpoint_sha: null, next_command: '# Fix it' });
    let s = j.push({ type: 'task_reopened', key: 'ui/theme', fresh: true });
    expect(taskOf(s, 'ui/theme')).toMatchObject({ status: 'pending', run_id: null, runs: [], stop_reason: null });
    s = j.push({ type: 'task_run_started', key: 'ui/theme', run_id: 'r2', base_ref: 'a'.repeat(40) });
    expect(taskOf(s, 'ui/theme')).toMatchObject({ status: 'running', run_id: 'r2', runs: ['r2'] });
  });
});

describe('the integration', () => {
  const completeBoth = (j: ReturnType<typeof journal>) => {
    j.push({ type: 'task_run_started', key: 'auth/login', run_id: 'r1', base_ref: 'a'.repeat(40) });
    j.push({ type: 'task_ended', key: 'auth/login', run_id: 'r1', outcome: 'complete', stop_reason: 'complete', stop_detail: null, checkpoint_sha: '1'.repeat(40), next_command: null });
    j.push({ type: 'task_run_started', key: 'ui/theme', run_id: 'r2', base_ref: 'a'.repeat(40) });
    j.push({ type: 'task_ended', key: 'ui/theme', run_id: 'r2', outcome: 'complete', stop_reason: 'complete', stop_detail: null, checkpoint_sha: '2'.repeat(40), next_command: null });
  };

  it('merging → merged (each key once) → verified', () => {
    const j = journal();
    completeBoth(j);
    let s = j.push({ type: 'integration_started', branch: `runr/orch/${ORCH}` });
    expect(s.integration.status).toBe('merging');
    s = j.push({ type: 'integration_merged', key: 'auth/login', run_id: 'r1', sha: 'm1' });
    s = j.push({ type: 'integration_merged', key: 'auth/login', run_id: 'r1', sha: 'm1' });
    s = j.push({ type: 'integration_merged', key: 'ui/theme', run_id: 'r2', sha: 'm2' });
    expect(s.integration).toMatchObject({ status: 'merging', sha: 'm2', merged: ['auth/login', 'ui/theme'] });
    s = j.push({ type: 'integration_verified', ok: true, sha: 'm2' });
    expect(s.integration).toMatchObject({ status: 'verified', verification: { ok: true, sha: 'm2' } });
    s = j.push({ type: 'orch_stopped', outcome: 'complete', stop_reason: 'complete', stop_detail: null });
    expect(s).toMatchObject({ status: 'complete', stop_reason: 'complete', ended_at: j.tsOf(10) });
    expect(s.integration.status).toBe('verified');
  });

  it('a failed verification keeps the command and excerpt', () => {
    const j = journal();
    completeBoth(j);
    j.push({ type: 'integration_started', branch: `runr/orch/${ORCH}` });
    const s = j.push({ type: 'integration_verified', ok: false, sha: 'm2', failed_command: 'npm test', excerpt: '1 failed' });
    expect(s.integration).toMatchObject({ status: 'failed', verification: { ok: false, sha: 'm2', failed_command: 'npm test', excerpt: '1 failed' } });
  });

  it('conflict → fixing (the fix run named) → merged clears the conflict', () => {
    const j = journal();
    completeBoth(j);
    j.push({ type: 'integration_started', branch: `runr/orch/${ORCH}` });
    j.push({ type: 'integration_merged', key: 'auth/login', run_id: 'r1', sha: 'm1' });
    let s = j.push({ type: 'integration_conflict', key: 'ui/theme', run_id: 'r2', files: ['src/app.ts'], conflict_base: 'cb' });
    expect(s.integration).toMatchObject({ status: 'conflict', conflict: { key: 'ui/theme', run_id: 'r2', files: ['src/app.ts'], conflict_base: 'cb', fix_run_id: null } });
    s = j.push({ type: 'integration_fix_started', key: 'ui/theme', run_id: 'fix1' });
    expect(s.integration).toMatchObject({ status: 'fixing', conflict: { fix_run_id: 'fix1', files: ['src/app.ts'] } });
    s = j.push({ type: 'integration_merged', key: 'ui/theme', run_id: 'fix1', sha: 'm3' });
    expect(s.integration).toMatchObject({ status: 'merging', conflict: null, merged: ['auth/login', 'ui/theme'], sha: 'm3' });
  });
});

describe('the conflicts the integration met', () => {
  it('a merge resolves only its own task\'s conflict; a fix run is recorded on the conflict under way', () => {
    const j = journal();
    j.push({ type: 'integration_started', branch: `runr/orch/${ORCH}` });
    j.push({ type: 'integration_conflict', key: 'auth/login', run_id: 'r1', files: ['a.ts'], conflict_base: 'c1' });
    j.push({ type: 'integration_merged', key: 'auth/login', run_id: 'r1', sha: '1'.repeat(40) });
    j.push({ type: 'integration_conflict', key: 'ui/theme', run_id: 'r2', files: ['b.ts'], conflict_base: 'c2' });
    let s = j.push({ type: 'integration_fix_started', key: 'ui/theme', run_id: 'fix2' });
    expect(s.integration.conflicts.map((c) => [c.key, c.resolved, c.fix_run_id])).toEqual([['auth/login', true, null], ['ui/theme', false, 'fix2']]);
    s = j.push({ type: 'integration_merged', key: 'auth/logout', run_id: 'r3', sha: '2'.repeat(40) });
    expect(s.integration.conflicts.map((c) => c.resolved)).toEqual([true, false]);
    s = j.push({ type: 'integration_merged', key: 'ui/theme', run_id: 'r2', sha: '3'.repeat(40) });
    expect(s.integration.conflicts.map((c) => c.resolved)).toEqual([true, true]);
    expect(s.integration.conflict).toBeNull();
  });

  it('a stop other than an interruption leaves the tasks as they were', () => {
    const j = journal();
    j.push({ type: 'task_run_started', key: 'auth/login', run_id: 'r1', base_ref: 'a'.repeat(40) });
    const s = j.push({ type: 'orch_stopped', outcome: 'stopped', stop_reason: 'merge_conflict', stop_detail: null });
    expect(taskOf(s, 'auth/login')).toMatchObject({ status: 'running', stop_reason: null });
  });

  it('a wait that ended is closed once, not again by the next event', () => {
    const j = journal();
    j.push({ type: 'task_waiting', key: 'auth/login', reason: 'capacity', detail: 'all 2 slots are taken' });
    j.push({ type: 'task_run_started', key: 'auth/login', run_id: 'r1', base_ref: 'a'.repeat(40) });
    const s = j.push({ type: 'task_ended', key: 'auth/login', run_id: 'r1', outcome: 'complete', stop_reason: 'complete', stop_detail: null, checkpoint_sha: null, next_command: null });
    expect(taskOf(s, 'auth/login').waits).toEqual([{ reason: 'capacity', detail: 'all 2 slots are taken', since: j.tsOf(1), until: j.tsOf(2) }]);
  });
});

describe('orch_stopped and orch_resumed', () => {
  it('a stop before the integration began marks it skipped', () => {
    const j = journal();
    const s = j.push({ type: 'orch_stopped', outcome: 'stopped', stop_reason: 'guard_violation', stop_detail: 'auth/login stopped' });
    expect(s).toMatchObject({ status: 'stopped', stop_reason: 'guard_violation', stop_detail: 'auth/login stopped', ended_at: j.tsOf(1) });
    expect(s.integration.status).toBe('skipped');
  });

  it('a merge_conflict stop while fixing leaves the integration in conflict', () => {
    const j = journal();
    j.push({ type: 'integration_started', branch: `runr/orch/${ORCH}` });
    j.push({ type: 'integration_conflict', key: 'ui/theme', run_id: 'r2', files: ['a.ts'], conflict_base: 'cb' });
    j.push({ type: 'integration_fix_started', key: 'ui/theme', run_id: 'fix1' });
    const s = j.push({ type: 'orch_stopped', outcome: 'stopped', stop_reason: 'merge_conflict', stop_detail: 'the fix run stopped' });
    expect(s.integration.status).toBe('conflict');
    expect(s.integration.conflict).toMatchObject({ key: 'ui/theme', fix_run_id: 'fix1' });
  });

  it('a merge_conflict stop while merging is a conflict; another stop while merging is pending (never left "merging")', () => {
    const conflict = journal();
    conflict.push({ type: 'integration_started', branch: `runr/orch/${ORCH}` });
    expect(conflict.push({ type: 'orch_stopped', outcome: 'stopped', stop_reason: 'merge_conflict', stop_detail: null }).integration.status).toBe('conflict');
    const interrupted = journal();
    interrupted.push({ type: 'integration_started', branch: `runr/orch/${ORCH}` });
    expect(interrupted.push({ type: 'orch_stopped', outcome: 'stopped', stop_reason: 'interrupted', stop_detail: null }).integration.status).toBe('pending');
  });

  it('an interruption stops the tasks whose runs were under way (resumably); tasks not started stay as they were', () => {
    const j = journal();
    j.push({ type: 'task_run_started', key: 'auth/login', run_id: 'r1', base_ref: 'a'.repeat(40) });
    j.push({ type: 'task_waiting', key: 'auth/logout', reason: 'dependency', detail: 'waits for auth/login' });
    j.push({ type: 'task_run_started', key: 'ui/theme', run_id: 'r2', base_ref: 'a'.repeat(40) });
    j.push({ type: 'task_waiting', key: 'ui/theme', reason: 'quota', detail: 'rate-limited', retry_at: j.tsOf(60) });
    const s = j.push({ type: 'orch_stopped', outcome: 'stopped', stop_reason: 'interrupted', stop_detail: 'interrupted by SIGINT' });
    expect(taskOf(s, 'auth/login')).toMatchObject({ status: 'stopped', stop_reason: 'interrupted', stop_detail: 'interrupted by SIGINT', run_id: 'r1' });
    expect(taskOf(s, 'ui/theme')).toMatchObject({ status: 'stopped', stop_reason: 'interrupted' });
    expect(taskOf(s, 'ui/theme').waiting).toBeUndefined();
    expect(taskOf(s, 'ui/theme').waits.at(-1)!.until).toBe(j.tsOf(5));
    expect(taskOf(s, 'auth/logout')).toMatchObject({ status: 'waiting', run_id: null });
    expect(s.tasks.filter((t) => t.status === 'running')).toEqual([]);
  });

  it('verifying shows while the verification tiers run, and a stop then leaves the integration pending', () => {
    const j = journal();
    j.push({ type: 'integration_started', branch: `runr/orch/${ORCH}` });
    expect(j.push({ type: 'integration_verifying', sha: 'b'.repeat(40) }).integration).toMatchObject({ status: 'verifying', sha: 'b'.repeat(40) });
    expect(j.push({ type: 'orch_stopped', outcome: 'stopped', stop_reason: 'interrupted', stop_detail: null }).integration.status).toBe('pending');
  });

  it('orch_resumed clears the stop and the end time', () => {
    const j = journal();
    j.push({ type: 'orch_stopped', outcome: 'stopped', stop_reason: 'interrupted', stop_detail: 'SIGINT' });
    const s = j.push({ type: 'orch_resumed', pid: 4242 });
    expect(s).toMatchObject({ status: 'running', stop_reason: null, stop_detail: null, ended_at: null, seq: 3 });
  });
});
