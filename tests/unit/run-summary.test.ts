import { describe, expect, it } from 'vitest';
import type { ReportOutput } from '../../src/contracts/outputs.js';
import { evidenceFromEvents } from '../../src/engine/run-evidence.js';
import { runSummaryMarkdown, type RunSummaryInput, type SummaryMilestone } from '../../src/engine/run-summary.js';
import { successCriteriaOf } from '../../src/engine/summary-file.js';

const totals = (calls: number, input_tokens: number, output_tokens: number, cost_usd: number, unpriced_calls = 0) =>
  ({ calls, input_tokens, output_tokens, cost_usd, unpriced_calls });

function report(over: Partial<ReportOutput> = {}): ReportOutput {
  return {
    version: 1, run_id: '20260101000000', phase: 'STOPPED', checkpoint_sha: 'b'.repeat(40), total_duration_ms: 12_340,
    started_at: '2026-01-01T00:00:00.000Z', ended_at: '2026-01-01T00:00:12.340Z',
    phases: {} as ReportOutput['phases'], verify: { attempts: 3, retries: 1, total_duration_ms: 2_000 },
    milestones: { completed: 2, total: 2 }, outcome: 'complete', stop_reason: null, next_action: 'none',
    suggested_command: 'git log --oneline 0123456789ab..runr/20260101000000',
    explanation: 'Every milestone was implemented, verified, reviewed and checkpointed.', stop_detail: null,
    task: 'Add two modules', branch: 'runr/20260101000000', base_sha: '0123456789ab'.padEnd(40, '0'), worktree_path: '/w', run_dir: '/r',
    stale: false, guard_violation_files: null, verification_failure: null, retry_at: null, failure_signature: null,
    usage: { total: totals(3, 600, 60, 0.06), by_phase: { PLAN: totals(1, 100, 10, 0.01), IMPLEMENT: totals(2, 500, 50, 0.05, 1) }, by_milestone: {} },
    milestone_list: [], last_worker_log: null, wip_ref: null, sandbox: null,
    ...over,
  };
}

function milestone(over: Partial<SummaryMilestone> = {}): SummaryMilestone {
  return {
    id: 'm1', goal: 'add a', status: 'complete', checkpoint_sha: 'a'.repeat(40), empty: false, no_change_reason: null,
    files: [{ status: 'A', path: 'src/a.js' }], evidence: { verify: [], reviews: [] }, ...over,
  };
}

function input(over: Partial<RunSummaryInput> = {}): RunSummaryInput {
  return { report: report(), stop_reason: 'complete', terminal: true, goal: 'Add src/a.js and src/b.js.', success_criteria: '- node check.js passes', milestones: [milestone()], ...over };
}

describe('runSummaryMarkdown', () => {
  it('opens with the task title, the run line, the objective and the success criteria', () => {
    const md = runSummaryMarkdown(input());
    expect(md.split('\n').slice(0, 3)).toEqual(['# Add two modules', '', 'Run `20260101000000` · branch `runr/20260101000000` from `0123456789ab` · 2/2 milestones · 12.3 s']);
    expect(md).toContain('## Objective\n\nAdd src/a.js and src/b.js.\n\n### Success criteria\n\n- node check.js passes\n');
  });

  it('leaves out the success criteria when the task has none', () => {
    expect(runSummaryMarkdown(input({ success_criteria: '  ' }))).not.toContain('Success criteria');
  });

  it('lists each milestone with its commit, its files, its verification attempts and its review rounds', () => {
    const md = runSummaryMarkdown(input({
      milestones: [
        milestone({
          files: [{ status: 'A', path: 'src/a.js' }, { status: 'D', path: 'old.js' }],
          evidence: {
            verify: [
              { ok: false, commands: [{ tier: 'tier0', command: 'npm test', exit_code: 1, duration_ms: 1_500, timed_out: false }] },
              { ok: true, commands: [{ tier: 'tier0', command: 'npm test', exit_code: 0, duration_ms: 900, timed_out: false }] },
            ],
            reviews: [{ verdict: 'request_changes', comments: ['rename x'] }, { verdict: 'approve', comments: [] }],
          },
        }),
        milestone({ id: 'm2', goal: 'add b', checkpoint_sha: 'c'.repeat(40), files: [{ status: 'M', path: 'src/b.js' }] }),
      ],
    }));
    expect(md).toContain([
      '### m1: add a', '',
      `- Status: complete; commit \`${'a'.repeat(12)}\``,
      '- Files:', '  - A `src/a.js`', '  - D `old.js`',
      '- Verification: 2 attempts',
      '  - attempt 1: failed — `npm test` failed (exit 1) in 1.5 s',
      '  - attempt 2: passed — `npm test` passed in 0.9 s',
      '- Review: 2 rounds', '  - round 1: request_changes', '    - rename x', '  - round 2: approve', '',
      '### m2: add b', '', `- Status: complete; commit \`${'c'.repeat(12)}\``, '- Files:', '  - M `src/b.js`', '',
    ].join('\n'));
    expect(md).toContain('## Evidence\n\n- Verification: 3 attempts, 1 retry, 2 s in total\n- Review: 2 rounds\n');
  });

  it('says a timed-out command timed out', () => {
    const md = runSummaryMarkdown(input({
      milestones: [milestone({ evidence: { verify: [{ ok: false, commands: [{ tier: 't', command: 'slow', exit_code: null, duration_ms: 60_000, timed_out: true }] }], reviews: [] } })],
    }));
    expect(md).toContain('  - attempt 1: failed — `slow` timed out in 60 s');
  });

  it('tells a milestone that changed nothing, one whose files git no longer has, and one not committed yet apart', () => {
    const md = runSummaryMarkdown(input({
      milestones: [
        milestone({ empty: true, files: null, no_change_reason: 'already done' }),
        milestone({ id: 'm2', files: null }),
        milestone({ id: 'm3', status: 'in_progress', checkpoint_sha: null, files: null }),
      ],
    }));
    expect(md).toContain('### m1: add a\n\n- Status: complete; no commit (no file changed: already done)\n\n');
    expect(md).toContain('- Files: unavailable (the commit is no longer in the repository)');
    expect(md).toContain('### m3: add a\n\n- Status: in_progress; no commit yet\n\n');
  });

  it('gives usage per phase and in total, with the calls that had no cost', () => {
    const md = runSummaryMarkdown(input());
    expect(md).toContain([
      '| phase | calls | input tokens | output tokens | cost |', '|---|---|---|---|---|',
      '| PLAN | 1 | 100 | 10 | $0.01 |', '| IMPLEMENT | 2 | 500 | 50 | $0.05 (+1 unpriced) |', '| **total** | 3 | 600 | 60 | $0.06 |',
    ].join('\n'));
  });

  it('ends a complete run with its outcome and the exact next command', () => {
    const md = runSummaryMarkdown(input());
    expect(md.endsWith('## Outcome\n\nComplete. Every milestone was implemented, verified, reviewed and checkpointed.\n\n## Next\n\n```sh\ngit log --oneline 0123456789ab..runr/20260101000000\n```\n')).toBe(true);
  });

  it('names a stop in words, quotes its detail and gives the command to resume', () => {
    const md = runSummaryMarkdown(input({
      stop_reason: 'verification_failed_max_retries',
      report: report({
        outcome: 'stopped', stop_reason: 'verification_failed_max_retries', explanation: 'Verification kept failing.',
        stop_detail: 'npm test failed\nexpected 3', suggested_command: 'runr resume 20260101000000',
      }),
    }));
    expect(md).toContain('## Outcome\n\nStopped (verification_failed_max_retries). Verification kept failing.\n\n> npm test failed\n> expected 3\n\n## Next\n\n```sh\nrunr resume 20260101000000\n```\n');
    expect(md.startsWith('# ')).toBe(true);
  });

  it('says in its first line that a run not yet finished has a summary so far', () => {
    const md = runSummaryMarkdown(input({ terminal: false, stop_reason: null, report: report({ phase: 'IMPLEMENT', outcome: 'running', explanation: 'The run is executing (IMPLEMENT).' }) }));
    expect(md.split('\n')[0]).toBe('> The run is not finished (IMPLEMENT): this is its summary so far.');
    expect(md).toContain('## Outcome\n\nNot finished yet (IMPLEMENT). The run is executing (IMPLEMENT).');
  });

  it('says so when no milestone was planned', () => {
    expect(runSummaryMarkdown(input({ milestones: [] }))).toContain('## What changed\n\nNo milestone was planned.\n');
  });
});

describe('evidenceFromEvents', () => {
  const started = (id: string, effect: Record<string, unknown>) => ({ type: 'effect_started', effect: { id, ...effect } });
  const resultOf = (id: string, result: Record<string, unknown>) => ({ type: 'effect_result', effect_id: id, result });
  const cmd = (exit_code: number) => ({ tier: 'tier0', command: 'npm test', exit_code, duration_ms: 10, timed_out: false });

  it('gives each milestone its verifications and its review answers, in order', () => {
    const evidence = evidenceFromEvents([
      started('e1', { kind: 'verify', milestone_index: 0, attempt: 1 }), resultOf('e1', { kind: 'verify', ok: false, commands: [cmd(1)] }),
      started('e2', { kind: 'verify', milestone_index: 0, attempt: 2 }), resultOf('e2', { kind: 'verify', ok: true, commands: [cmd(0)] }),
      started('e3', { kind: 'worker', phase: 'REVIEW', milestone_index: 0 }),
      resultOf('e3', { kind: 'worker', outcome: 'result', result: { verdict: 'request_changes', comments: ['x', 7] } }),
      started('e4', { kind: 'worker', phase: 'REVIEW', milestone_index: 1 }),
      resultOf('e4', { kind: 'worker', outcome: 'result', result: { verdict: 'approve' } }),
    ]);
    expect(evidence.get(0)).toEqual({
      verify: [{ ok: false, commands: [cmd(1)] }, { ok: true, commands: [cmd(0)] }],
      reviews: [{ verdict: 'request_changes', comments: ['x'] }],
    });
    expect(evidence.get(1)).toEqual({ verify: [], reviews: [{ verdict: 'approve', comments: [] }] });
  });

  it('skips implementer answers, reviewer calls without a verdict, and results of effects it never saw start', () => {
    const evidence = evidenceFromEvents([
      started('e1', { kind: 'worker', phase: 'IMPLEMENT', milestone_index: 0 }), resultOf('e1', { kind: 'worker', outcome: 'result', result: { verdict: 'approve' } }),
      started('e2', { kind: 'worker', phase: 'REVIEW', milestone_index: 0 }), resultOf('e2', { kind: 'worker', outcome: 'crashed' }),
      started('e3', { kind: 'worker', phase: 'REVIEW', milestone_index: 0 }), resultOf('e3', { kind: 'worker', outcome: 'result', result: { status: 'ok' } }),
      resultOf('e9', { kind: 'verify', ok: true, commands: [] }),
      'not an event', null,
    ]);
    expect(evidence.size).toBe(0);
  });
});

describe('successCriteriaOf', () => {
  it('is the Success Criteria section, up to the next heading', () => {
    expect(successCriteriaOf('# T\n\n## Goal\ng\n\n## success criteria\n- a\n- b\n\n## Notes\nn\n')).toBe('- a\n- b');
    expect(successCriteriaOf('# T\r\n\r\n## Success Criteria\r\n- last\r\n')).toBe('- last');
  });

  it('is empty when the task has none', () => {
    expect(successCriteriaOf('# T\n\n## Goal\ng\n')).toBe('');
  });
});
