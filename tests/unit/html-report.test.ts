/** The HTML report's pure renderers: escaping, sections, self-containment. */
import { describe, expect, it } from 'vitest';
import type { OrchReportOutput } from '../../src/contracts/orchestration-outputs.js';
import type { ReportOutput } from '../../src/contracts/outputs.js';
import type { RunEvent } from '../../src/contracts/events.js';
import type { ReplayStep } from '../../src/contracts/replay.js';
import { orchReportPage } from '../../src/report-html/orch-page.js';
import { approvalDecisions } from '../../src/report-html/approvals.js';
import { approvalWaits, modelOfEvents, type RunHtmlData } from '../../src/report-html/run-model.js';
import { usagePerWorker } from '../../src/report-html/usage-section.js';
import { runReportPage } from '../../src/report-html/run-page.js';

const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
const ZERO = { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0, unpriced_calls: 0 };

const report = {
  run_id: '20260101-000000-abcd', task: `Task ${EVIL}`, branch: 'runr/x', base_sha: 'a'.repeat(40), outcome: 'stopped',
  stop_reason: 'verification_failed_max_retries', explanation: 'Verification kept failing.', suggested_command: 'runr resume 20260101-000000-abcd',
  stop_detail: null, stale: false, total_duration_ms: 5000, milestones: { completed: 1, total: 2 },
  usage: { total: { ...ZERO, calls: 2, cost_usd: 0.5 }, by_phase: { IMPLEMENT: { ...ZERO, calls: 2, cost_usd: 0.5 } }, by_milestone: {} },
  milestone_list: [
    { id: 'm1', goal: 'first', status: 'complete', checkpoint_sha: 'b'.repeat(40), empty: false, no_change_reason: null, action_failures: [] },
    { id: 'm2', goal: 'second', status: 'in_progress', checkpoint_sha: null, empty: false, no_change_reason: null, action_failures: [] },
  ],
} as unknown as ReportOutput;

const ts = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const events = [
  { seq: 1, ts: ts(0), type: 'effect_started', effect: { kind: 'worker', id: 'e1', phase: 'IMPLEMENT', milestone_index: 0, attempt: 1, followup: 0 } },
  { seq: 2, ts: ts(2), type: 'effect_result', effect_id: 'e1', result: { kind: 'worker', outcome: 'result', usage: { input_tokens: 10, output_tokens: 5, cost_usd: 0.25 } } },
  { seq: 3, ts: ts(2), type: 'effect_started', effect: { kind: 'verify', id: 'e2', milestone_index: 1, attempt: 1 } },
  {
    seq: 4, ts: ts(3), type: 'effect_result', effect_id: 'e2', result: {
      kind: 'verify', ok: false, duration_ms: 900, commands: [{ tier: 'tier0', command: `node check.js ${EVIL}`, exit_code: 1, duration_ms: 900, timed_out: false }],
      failure: { tier: 'tier0', command: `node check.js ${EVIL}`, exit_code: 1, timed_out: false, excerpt: `BOOM ${EVIL}`, log_path: '/x' },
    },
  },
  { seq: 5, ts: ts(3), type: 'effect_started', effect: { kind: 'worker', id: 'e3', phase: 'REVIEW', milestone_index: 1, attempt: 1, followup: 0 } },
  { seq: 6, ts: ts(4), type: 'effect_result', effect_id: 'e3', result: { kind: 'worker', outcome: 'result', result: { verdict: 'request_changes', comments: [`fix ${EVIL}`] } } },
  { seq: 7, ts: ts(4), type: 'effect_started', effect: { kind: 'wait_until', id: 'e4', until: ts(60), reason: 'quota_wait' } },
  { seq: 8, ts: ts(5), type: 'run_stopped', reason: 'interrupted', detail: 'Ctrl-C' },
] as unknown as RunEvent[];

function runData(): RunHtmlData {
  return {
    report, ...modelOfEvents(events, ['m1', 'm2']),
    diffs: [{ milestone: 'm1', goal: 'first', sha: 'b'.repeat(40), text: `+const x = "${EVIL}";`, truncated: false }],
    replay: [],
    approvalGates: ['plan', 'checkpoint'],
    approvals: [
      { gate: 'plan', milestone: null, asked_at: ts(1), decided_at: ts(2), verdict: 'reject', reason: `split it ${EVIL}` },
      { gate: 'checkpoint', milestone: 'm1', asked_at: ts(3), decided_at: null, verdict: null, reason: null },
    ],
    workers: { planner: 'claude', implementer: 'codex', reviewer: 'claude' },
  };
}

function expectSelfContainedAndEscaped(html: string) {
  expect(html).not.toMatch(/https?:/);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain("default-src 'none'");
}

describe('run HTML report', () => {
  const html = runReportPage(runData());

  it('escapes the task, worker output, commands, comments and diffs, and loads nothing from elsewhere', () => {
    expectSelfContainedAndEscaped(html);
    expect(html).toContain('<h1>Task &lt;script&gt;');
    expect(html).toContain('BOOM &lt;script&gt;');
    expect(html).toContain('fix &lt;script&gt;');
    expect(html).toContain('+const x = &quot;&lt;script&gt;');
  });

  it('has the outcome with the next command, the timeline, verification, review, waits, checkpoints, usage and replay', () => {
    for (const h of ['Outcome', 'Timeline', 'Verification', 'Review', 'Waits', 'Checkpoints', 'Usage and cost', 'Replay']) expect(html).toContain(`>${h}</h2>`);
    expect(html).toContain('Stopped: verification_failed_max_retries');
    expect(html).toContain('<code id="next-command">runr resume 20260101-000000-abcd</code>');
    expect(html.match(/<g class="bar" data-kind="worker">/g)).toHaveLength(2);
    expect(html).toMatch(/<g class="bar" data-kind="verify"><title>VERIFY m2 attempt 1: failed/);
    expect(html).toContain('m2 round 1: request_changes');
    expect(html).toMatch(/<td>quota_wait<\/td><td>2026-01-01T00:00:04.000Z<\/td><td>2026-01-01T00:01:00.000Z/);
    expect(html).toContain('data-milestone="m1"');
  });

  it('shows each approval with its gate, milestone, times, verdict and reason (escaped), and one still awaited', () => {
    expect(html).toContain('Approval gates in the config: plan, checkpoint.');
    expect(html).toContain(`<tr><td>plan</td><td>—</td><td>${ts(1)}</td><td>${ts(2)}</td><td><span class="bad">rejected</span></td><td>split it &lt;script&gt;`);
    expect(html).toContain(`<tr><td>checkpoint</td><td>m1</td><td>${ts(3)}</td><td>—</td><td>waiting for a person</td><td>—</td></tr>`);
    expect(runReportPage({ ...runData(), approvalGates: [], approvals: [] })).not.toContain('Approvals');
  });

  it('totals usage per worker: each role with its type, and a type serving several roles summed', () => {
    const u = (calls: number, cost: number) => ({ ...ZERO, calls, input_tokens: calls * 10, cost_usd: cost });
    const rows = usagePerWorker({ PLAN: u(1, 0.5), IMPLEMENT: u(3, 1), REVIEW: u(2, 0.25) }, { planner: 'claude', implementer: 'codex', reviewer: 'claude' });
    expect(rows).toEqual([
      { name: 'planner (claude)', usage: u(1, 0.5) },
      { name: 'implementer (codex)', usage: u(3, 1) },
      { name: 'reviewer (claude)', usage: u(2, 0.25) },
      { name: 'all claude workers (planner, reviewer)', usage: u(3, 0.75) },
    ]);
    expect(html).toContain('<caption>Usage per worker</caption>');
    expect(html).toContain('<tr><td>implementer (codex)</td><td>2</td>');
  });

  it('a worker call goes on through its activity events: one span from its start to its result', () => {
    const withActivity = [
      events[0]!,
      { seq: 2, ts: ts(1), type: 'worker_activity', effect_id: 'e1', items: [{ at_ms: 900, kind: 'tool', text: 'Edit src/a.ts' }] },
      { ...events[1]!, seq: 3 },
    ] as unknown as RunEvent[];
    expect(modelOfEvents(withActivity, ['m1']).spans).toEqual([expect.objectContaining({ kind: 'worker', start: ts(0), end: ts(2), outcome: 'result' })]);
  });

  it('an effect in flight when the run stopped ends there, as interrupted', () => {
    const { spans } = modelOfEvents(events, ['m1', 'm2']);
    expect(spans.at(-1)).toMatchObject({ kind: 'wait_until', end: ts(5), outcome: 'interrupted' });
  });
});

describe('orchestration HTML report', () => {
  const task = (key: string, track: string, status: string, start: number, end: number | null) => ({
    key, track, task: key.split('/').at(-1), title: `${key} ${EVIL}`, file: `${key}.md`, status, run_id: 'r1', runs: ['r1'], base_ref: null, branch: `runr/${key}`,
    checkpoint_sha: null, stop_reason: status === 'stopped' ? 'verification_failed_max_retries' : null, stop_detail: null, skipped_because: null, auto_resumes: 0,
    next_command: null, started_at: ts(start), ended_at: end === null ? null : ts(end), duration_ms: 1000, checkpoints: [{ milestone: 'm1', goal: 'g', sha: 'c'.repeat(40) }],
    milestones: { completed: 1, total: 1 }, usage: ZERO, waits: [{ reason: 'dependency', detail: 'waits for a', since: ts(0), until: ts(1) }],
  });
  const orch = {
    orchestration_id: 'o1', orch_dir: '/o', tracks_file: 'tracks.yaml', status: 'stopped', stop_reason: 'verification_failed_max_retries', stop_detail: EVIL,
    started_at: ts(0), updated_at: ts(9), ended_at: ts(9), base_sha: 'a'.repeat(40), max_parallel: 2, collision_policy: 'serialize',
    counts: { pending: 0, running: 0, waiting: 0, complete: 1, stopped: 1, skipped: 0 }, total_duration_ms: 9000, usage: ZERO,
    integration: { branch: 'runr/orch/o1', status: 'failed', sha: 'd'.repeat(40), merged: ['a/one'], conflict: null, conflicts: [],
      verification: { ok: false, sha: 'd'.repeat(40), failed_command: 'npm test', excerpt: EVIL } },
    next_action: 'resume', suggested_command: 'runr orchestrate resume o1',
    tasks: [task('a/one', 'a', 'complete', 0, 4), task('b/two', 'b', 'stopped', 1, null)],
  } as unknown as OrchReportOutput;
  const calls = (n: number) => ({ ...ZERO, calls: n, input_tokens: n * 10, cost_usd: n / 10 });
  const runsUsage = {
    byPhase: { PLAN: calls(2), IMPLEMENT: calls(3), REVIEW: calls(3) },
    byWorker: [{ name: 'planner (claude)', usage: calls(2) }, { name: 'implementer (codex)', usage: calls(3) }, { name: 'reviewer (claude)', usage: calls(3) }],
  };
  const html = orchReportPage({ report: orch, explanation: 'Verification kept failing.', now: Date.parse(ts(9)), runsUsage });

  it('is escaped and self-contained, with a bar per task, one row per track, the integration and the next command', () => {
    expectSelfContainedAndEscaped(html);
    expect(html.match(/data-kind="task"/g)).toHaveLength(2);
    for (const h of ['Outcome', 'Timeline', 'Tasks', 'Waits', 'Integration', 'Usage and cost']) expect(html).toContain(`>${h}</h2>`);
    expect(html).toContain('<code class="failed-command">npm test</code>');
    expect(html).toContain('<code id="next-command">runr orchestrate resume o1</code>');
    expect(html).toContain('waits for a');
  });

  it('gives usage per task, per phase and per worker over all its runs', () => {
    for (const c of ['Usage per task', 'Usage per phase', 'Usage per worker']) expect(html).toContain(`<caption>${c}</caption>`);
    expect(html).toContain('<tr><td>IMPLEMENT</td><td>3</td><td>30</td>');
    expect(html).toContain('<tr><td>implementer (codex)</td><td>3</td><td>30</td>');
    const empty = orchReportPage({ report: orch, explanation: null, now: Date.parse(ts(9)), runsUsage: { byPhase: {}, byWorker: [] } });
    expect(empty).not.toContain('Usage per phase');
  });
});

describe('approval decisions', () => {
  it('pairs each wait at a gate with the verdict approve or reject journaled after it; a wait with none is still open', () => {
    const waiting = (gate: string, since: number, milestone_index = 0) => ({ reason: 'awaiting_approval', since: ts(since), gate, milestone_index });
    const step = (seq: number, w: ReturnType<typeof waiting> | null) =>
      ({ seq, ts: ts(seq), event: {}, state: { waiting: w && { reason: w.reason, since: w.since, gate: w.gate }, milestone_index: w?.milestone_index ?? 0 } }) as unknown as ReplayStep;
    const resumed = (seq: number, approval?: { verdict: 'approve' | 'reject'; reason?: string }) => ({ seq, ts: ts(seq), type: 'run_resumed', pid: 1, force: false, overrides: {}, approval }) as unknown as RunEvent;
    const other = (seq: number) => ({ seq, ts: ts(seq), type: 'effect_started' }) as unknown as RunEvent;
    const journal = [other(1), other(2), resumed(3, { verdict: 'reject', reason: 'split it' }), other(4), other(5), resumed(6, { verdict: 'approve' }), other(7), other(8)];
    const steps = [step(1, null), step(2, waiting('plan', 2)), step(3, null), step(4, null), step(5, waiting('plan', 5)), step(6, null), step(7, null), step(8, waiting('checkpoint', 8, 1))];
    expect(approvalDecisions(journal, steps, ['m1', 'm2'])).toEqual([
      { gate: 'plan', milestone: null, asked_at: ts(2), decided_at: ts(3), verdict: 'reject', reason: 'split it' },
      { gate: 'plan', milestone: null, asked_at: ts(5), decided_at: ts(6), verdict: 'approve', reason: null },
      { gate: 'checkpoint', milestone: 'm2', asked_at: ts(8), decided_at: null, verdict: null, reason: null },
    ]);
  });
});

describe('approval waits', () => {
  it('run from the first state waiting for a person until the next state that is not', () => {
    const step = (seq: number, waiting: ReplayStep['state']['waiting']) => ({ seq, ts: ts(seq), event: {}, state: { waiting } }) as unknown as ReplayStep;
    const waits = approvalWaits([
      step(1, null), step(2, { reason: 'awaiting_approval', since: ts(2), gate: 'after_plan' }), step(3, { reason: 'awaiting_approval', since: ts(2), gate: 'after_plan' }),
      step(4, null), step(5, { reason: 'quota_wait' }), step(6, { reason: 'awaiting_approval' }),
    ]);
    expect(waits).toEqual([
      { reason: 'awaiting_approval', since: ts(2), until: ts(4), detail: 'approval gate: after_plan' },
      { reason: 'awaiting_approval', since: ts(6), until: null, detail: 'awaiting approval' },
    ]);
  });
});
