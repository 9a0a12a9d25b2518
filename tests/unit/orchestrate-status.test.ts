// What `runr orchestrate status|wait` print, and the summary.md of a finished orchestration (SPEC §9).
import { describe, expect, it } from 'vitest';
import type { OrchEvent, OrchState } from '../../src/contracts/orchestration.js';
import { OrchReportOutputSchema, OrchStatusOutputSchema, OrchWaitOutputSchema, type OrchReportOutput } from '../../src/contracts/orchestration-outputs.js';
import type { Liveness } from '../../src/engine/describe.js';
import { foldOrch } from '../../src/orchestrate/orch-state.js';
import { buildOrchStatus, orchWaitOutput } from '../../src/orchestrate/orch-status.js';
import { orchSummaryMarkdown } from '../../src/orchestrate/summary.js';

const ORCH = '20261126100000';
const BASE = 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12';
const DIR = `/repo/.runr/orchestrations/${ORCH}`;
const ALIVE: Liveness = { pid: 4242, alive: true };
const DEAD: Liveness = { pid: 4242, alive: false };
const NO_LEASE: Liveness = { pid: null, alive: false };

const KEYS = ['auth/login', 'auth/logout', 'ui/theme', 'ui/icons', 'docs/readme', 'docs/changelog'];

type EventBody = Record<string, unknown> & { type: OrchEvent['type'] };

/** The state after orch_started for six tasks, then `events` (seq and ts filled in, one second apart). */
function stateAfter(...events: EventBody[]): OrchState {
  const started: EventBody = {
    type: 'orch_started', orch_id: ORCH, repo_root: '/repo', tracks_file: '/repo/tracks.yaml', tracks_sha256: 'f'.repeat(64),
    config_path: '/repo/.runr/runr.config.json', base_sha: BASE,
    options: { max_parallel: 2, collision_policy: 'serialize', fast: false, fix_conflicts: true, max_auto_resumes: 3 },
    tracks: [{ id: 'auth', tasks: ['login', 'logout'] }, { id: 'ui', tasks: ['theme', 'icons'] }, { id: 'docs', tasks: ['readme', 'changelog'] }],
    tasks: KEYS.map((key) => {
      const [track, id] = key.split('/') as [string, string];
      return { key, track, id, file: `/repo/tasks/${id}.md`, title: `Task ${id}`, previous: null, depends_on: [], fast: null, worker: null, allowlist_add: [], verification: null };
    }),
  };
  return foldOrch([started, ...events].map((e, i) => ({ ts: new Date(Date.UTC(2026, 10, 26, 10, 0, i)).toISOString(), ...e, seq: i + 1 }) as OrchEvent))!;
}

const run = (key: string, runId: string): EventBody => ({ type: 'task_run_started', key, run_id: runId, base_ref: BASE });
const ended = (key: string, runId: string, stop: string, nextCommand: string | null = null): EventBody => ({
  type: 'task_ended', key, run_id: runId, outcome: stop === 'complete' ? 'complete' : 'stopped', stop_reason: stop,
  stop_detail: stop === 'complete' ? null : `${key} stopped`, checkpoint_sha: stop === 'complete' ? 'c'.repeat(40) : null, next_command: nextCommand,
});
const stopped = (reason: string, detail: string | null = null): EventBody => ({ type: 'orch_stopped', outcome: reason === 'complete' ? 'complete' : 'stopped', stop_reason: reason, stop_detail: detail });

function status(state: OrchState, live: Liveness) {
  const out = buildOrchStatus(state, DIR, live);
  const parsed = OrchStatusOutputSchema.safeParse(out);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  return out;
}

describe('buildOrchStatus', () => {
  it('counts the tasks per status and lists them without their wait history', () => {
    const s = stateAfter(
      run('auth/login', 'r1'), ended('auth/login', 'r1', 'complete'),
      run('ui/theme', 'r2'),
      { type: 'task_waiting', key: 'ui/icons', reason: 'dependency', detail: 'waits for ui/theme' },
      run('docs/readme', 'r3'), ended('docs/readme', 'r3', 'guard_violation', 'runr report r3'),
      { type: 'task_skipped', key: 'docs/changelog', because: 'docs/readme stopped' },
    );
    const out = status(s, ALIVE);
    expect(out.counts).toEqual({ pending: 1, running: 1, waiting: 1, complete: 1, stopped: 1, skipped: 1 });
    expect(out.tasks.map((t) => t.key)).toEqual(KEYS);
    for (const t of out.tasks) expect(t).not.toHaveProperty('waits');
    expect(out.tasks.find((t) => t.key === 'ui/icons')!.waiting).toMatchObject({ reason: 'dependency', detail: 'waits for ui/theme' });
    expect(out).toMatchObject({
      orchestration_id: ORCH, orch_dir: DIR, tracks_file: '/repo/tracks.yaml', status: 'running', base_sha: BASE,
      max_parallel: 2, collision_policy: 'serialize', integration: { branch: `runr/orch/${ORCH}`, status: 'pending' },
    });
  });

  it('running with a live orchestrator: the lease, not stale, and the wait command', () => {
    const out = status(stateAfter(run('auth/login', 'r1')), ALIVE);
    expect(out.lease).toEqual({ pid: 4242, alive: true });
    expect(out.stale).toBeUndefined();
    expect(out).toMatchObject({ next_action: 'none', suggested_command: `runr orchestrate wait ${ORCH}` });
  });

  it('running with a dead orchestrator: stale, and resume', () => {
    const out = status(stateAfter(run('auth/login', 'r1')), DEAD);
    expect(out.lease).toEqual({ pid: 4242, alive: false });
    expect(out.stale).toBe(true);
    expect(out).toMatchObject({ next_action: 'resume', suggested_command: `runr orchestrate resume ${ORCH}` });
    const noLease = status(stateAfter(run('auth/login', 'r1')), NO_LEASE);
    expect(noLease.lease).toBeUndefined();
    expect(noLease.stale).toBe(true);
  });

  it('complete: no lease, and the git log of the integration branch from the base', () => {
    const s = stateAfter(run('auth/login', 'r1'), ended('auth/login', 'r1', 'complete'), stopped('complete'));
    const out = status(s, DEAD);
    expect(out.lease).toBeUndefined();
    expect(out.stale).toBeUndefined();
    expect(out).toMatchObject({ status: 'complete', stop_reason: 'complete', next_action: 'none', suggested_command: `git log --oneline ab12cd34ef56..runr/orch/${ORCH}` });
  });

  it('stopped because a task stopped resumable: resume the orchestration, not the run', () => {
    const s = stateAfter(run('auth/login', 'r1'), ended('auth/login', 'r1', 'stalled_timeout', 'runr resume r1'), stopped('stalled_timeout', 'auth/login stopped'));
    expect(status(s, NO_LEASE)).toMatchObject({ status: 'stopped', stop_detail: 'auth/login stopped', next_action: 'resume', suggested_command: `runr orchestrate resume ${ORCH}` });
  });

  it('stopped because a task stopped for good: that task\'s fix, then orchestrate resume', () => {
    const s = stateAfter(run('auth/login', 'r1'), ended('auth/login', 'r1', 'guard_violation', '# Review the scope settings in /r/.runr/runr.config.json (or split the task), then start a new run'), stopped('guard_violation'));
    // orchestrate resume starts such a task again with a new run, once its cause is fixed (not "start a new run").
    expect(status(s, NO_LEASE)).toMatchObject({
      next_action: 'resolve_scope_violation',
      suggested_command: `# auth/login: Review the scope settings in /r/.runr/runr.config.json (or split the task); then runr orchestrate resume ${ORCH} starts it again`,
    });
    const review = stateAfter(run('ui/theme', 'r2'), ended('ui/theme', 'r2', 'review_loop_detected', 'runr report r2'), stopped('review_loop_detected'));
    expect(status(review, NO_LEASE)).toMatchObject({ next_action: 'inspect_logs', suggested_command: `# ui/theme: runr report r2; then runr orchestrate resume ${ORCH} starts it again` });
  });

  it('stopped because a task stopped resumable only after a fix (a missing verification program): the fix first, then resume', () => {
    const fix = '# Install pytest (the verification command "pytest -q" needs it), then: runr resume r1';
    const s = stateAfter(run('auth/login', 'r1'), ended('auth/login', 'r1', 'verification_command_missing', fix), stopped('verification_command_missing'));
    const out = status(s, NO_LEASE);
    // Resuming alone would stop the same way: the registry's next action for this stop is fix_config.
    expect(out.next_action).toBe('fix_config');
    expect(out.suggested_command).toContain('Install pytest');
    expect(out.suggested_command.endsWith(`runr orchestrate resume ${ORCH}`)).toBe(true);
  });

  it('an interrupted orchestration (no task stopped) is resumed', () => {
    expect(status(stateAfter(run('auth/login', 'r1'), stopped('interrupted')), NO_LEASE)).toMatchObject({ next_action: 'resume', suggested_command: `runr orchestrate resume ${ORCH}` });
  });

  it('merge_conflict and integration_failed: the registry\'s comment, with the integration branch and the orchestration id', () => {
    const conflict = status(stateAfter(
      run('auth/login', 'r1'), ended('auth/login', 'r1', 'complete'),
      { type: 'integration_started', branch: `runr/orch/${ORCH}` },
      { type: 'integration_conflict', key: 'auth/login', run_id: 'r1', files: ['src/app.ts'], conflict_base: 'cb' },
      stopped('merge_conflict', 'src/app.ts'),
    ), NO_LEASE);
    expect(conflict).toMatchObject({ next_action: 'resolve_merge_conflict', integration: { status: 'conflict' } });
    expect(conflict.suggested_command).toBe(`# Merge by hand on runr/orch/${ORCH} and commit, then: runr orchestrate resume ${ORCH}`);

    const failed = status(stateAfter(
      { type: 'integration_started', branch: `runr/orch/${ORCH}` },
      { type: 'integration_verified', ok: false, sha: 'd'.repeat(40), failed_command: 'npm test' },
      stopped('integration_failed'),
    ), NO_LEASE);
    expect(failed.next_action).toBe('inspect_logs');
    expect(failed.suggested_command).toMatch(/^# Fix runr\/orch\/20261126100000 by hand .*runr orchestrate report 20261126100000.*then: runr orchestrate resume 20261126100000$/);
  });
});

describe('orchWaitOutput', () => {
  const s = stateAfter(run('auth/login', 'r1'), ended('auth/login', 'r1', 'complete'), run('ui/theme', 'r2'), ended('ui/theme', 'r2', 'complete'));

  it('at the end: status, reason, complete/total and the integration branch, no flags', () => {
    const done = stateAfter(run('auth/login', 'r1'), ended('auth/login', 'r1', 'complete'), stopped('guard_violation'));
    const out = orchWaitOutput(done, 'terminal');
    expect(OrchWaitOutputSchema.safeParse(out).success).toBe(true);
    expect(out).toEqual({ orchestration_id: ORCH, status: 'stopped', stop_reason: 'guard_violation', tasks: { complete: 1, total: 6 }, integration_branch: `runr/orch/${ORCH}` });
  });

  it('timed out and stale are flagged', () => {
    const timeout = orchWaitOutput(s, 'timeout');
    const stale = orchWaitOutput(s, 'stale');
    for (const out of [timeout, stale]) expect(OrchWaitOutputSchema.safeParse(out).success).toBe(true);
    expect(timeout).toMatchObject({ status: 'running', stop_reason: null, tasks: { complete: 2, total: 6 }, timed_out: true });
    expect(timeout).not.toHaveProperty('stale');
    expect(stale).toMatchObject({ stale: true });
    expect(stale).not.toHaveProperty('timed_out');
  });
});

/** A report as buildOrchReport makes it, without reading runs: checkpoints and usage given per task. */
function reportOf(state: OrchState, extra: Record<string, { checkpoints?: { milestone: string; goal: string; sha: string }[]; cost?: number }>): OrchReportOutput {
  const { tasks: _tasks, ...rest } = buildOrchStatus(state, DIR, NO_LEASE);
  const report: OrchReportOutput = {
    version: 1, ...rest, total_duration_ms: 754_300,
    usage: { input_tokens: 12_000, output_tokens: 3_400, cost_usd: 1.234, calls: 9, unpriced_calls: 2 },
    tasks: state.tasks.map((t) => ({
      ...t,
      duration_ms: t.ended_at ? 61_000 : null,
      checkpoints: extra[t.key]?.checkpoints ?? [],
      milestones: { completed: extra[t.key]?.checkpoints?.length ?? 0, total: 2 },
      usage: extra[t.key]?.cost === undefined ? null : { input_tokens: 1, output_tokens: 1, cost_usd: extra[t.key]!.cost!, calls: 1, unpriced_calls: 0 },
    })),
  };
  expect(OrchReportOutputSchema.safeParse(report).success).toBe(true);
  return report;
}

const section = (md: string, title: string) => {
  const start = md.indexOf(`## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const next = md.indexOf('\n## ', start + 1);
  return md.slice(start, next === -1 ? undefined : next);
};

describe('orchSummaryMarkdown', () => {
  it('a complete orchestration: tasks table, what changed, waits, integration, usage and the next command', () => {
    const state = stateAfter(
      { type: 'task_waiting', key: 'auth/login', reason: 'collision', detail: 'waits for ui/theme: both may change src/app.ts' },
      run('auth/login', 'r1'), ended('auth/login', 'r1', 'complete'),
      { type: 'integration_started', branch: `runr/orch/${ORCH}` },
      { type: 'integration_merged', key: 'auth/login', run_id: 'r1', sha: 'e'.repeat(40) },
      { type: 'integration_verified', ok: true, sha: 'e'.repeat(40) },
      stopped('complete'),
    );
    const md = orchSummaryMarkdown(reportOf(state, { 'auth/login': { checkpoints: [{ milestone: 'm1', goal: 'Add the login form', sha: '1234567890abcdef' }], cost: 0.5 } }));
    expect(md.split('\n')[0]).toBe(`# Orchestration ${ORCH} (complete)`);
    expect(md).toContain('6 tasks');
    expect(md).toContain('754.3 s');

    const tasks = section(md, 'Tasks');
    expect(tasks).toContain('| auth/login: Task login | complete | `runr/r1` | `1234567890` | 61 s | $0.50 |');
    expect(tasks).toContain('| auth/logout: Task logout | pending | – | – | – | – |');
    expect(section(md, 'What changed')).toContain('  - m1: Add the login form (`1234567890`)');
    expect(section(md, 'Waits')).toContain('- auth/login waited (collision): waits for ui/theme: both may change src/app.ts');
    const integration = section(md, 'Integration');
    expect(integration).toContain(`- Status: verified at \`eeeeeeeeeeee\`; merged: auth/login`);
    expect(integration).toContain('- Verification: passed');
    expect(section(md, 'Usage')).toContain('12000 input tokens, 3400 output tokens, $1.23 (2 calls without a reported cost).');
    expect(section(md, 'Next')).toContain(`\`git log --oneline ab12cd34ef56..runr/orch/${ORCH}\``);
  });

  it('a title with a pipe stays in its cell of the tasks table', () => {
    const state = stateAfter(stopped('interrupted'));
    const report = reportOf(state, {});
    report.tasks[0]!.title = 'Parse "a | b" filters';
    const row = section(orchSummaryMarkdown(report), 'Tasks').split('\n').find((l) => l.startsWith('| auth/login'))!;
    const cells = row.split(/(?<!\\)\|/).slice(1, -1);
    expect(cells).toHaveLength(6);
    expect(cells[0]).toContain('Parse "a');
    expect(cells[0]).toContain('b" filters');
  });

  it('a stopped orchestration: the reason, its detail, stopped and skipped tasks, the conflict and the next command', () => {
    const state = stateAfter(
      run('auth/login', 'r1'), ended('auth/login', 'r1', 'complete'),
      run('ui/theme', 'r2'), ended('ui/theme', 'r2', 'complete'),
      run('docs/readme', 'r3'), ended('docs/readme', 'r3', 'stalled_timeout', 'runr resume r3'),
      { type: 'task_skipped', key: 'docs/changelog', because: 'docs/readme stopped' },
      { type: 'integration_started', branch: `runr/orch/${ORCH}` },
      { type: 'integration_merged', key: 'auth/login', run_id: 'r1', sha: 'e'.repeat(40) },
      { type: 'integration_conflict', key: 'ui/theme', run_id: 'r2', files: ['src/app.ts', 'src/b.ts'], conflict_base: 'cb' },
      { type: 'integration_fix_started', key: 'ui/theme', run_id: 'fix1' },
      stopped('merge_conflict', 'the fix run stopped'),
    );
    const md = orchSummaryMarkdown(reportOf(state, {}));
    expect(md.split('\n')[0]).toBe(`# Orchestration ${ORCH} (stopped: merge_conflict)`);
    expect(md).toContain('> the fix run stopped');
    const tasks = section(md, 'Tasks');
    expect(tasks).toContain('| docs/readme: Task readme | stopped: stalled_timeout | `runr/r3` |');
    expect(tasks).toContain('| docs/changelog: Task changelog | skipped (docs/readme stopped) | – |');
    expect(md).not.toContain('## Waits');
    const integration = section(md, 'Integration');
    expect(integration).toContain('- Status: conflict at `eeeeeeeeeeee`; merged: auth/login');
    expect(integration).toContain('- Conflict merging ui/theme in src/app.ts, src/b.ts: not resolved (fix run fix1)');
    expect(section(md, 'Next')).toContain(`\`# Merge by hand on runr/orch/${ORCH} and commit, then: runr orchestrate resume ${ORCH}\``);
  });
});
