import { describe, expect, it } from 'vitest';
import { approvalChoices, renderCommand, runrCommand } from '../../src/contracts/next-step.js';
import { STOP_REASONS } from '../../src/contracts/stop-reasons.js';

describe('the next-step renderer', () => {
  it('renders a runr command from its verb, run and flags', () => {
    expect(renderCommand({ verb: 'resume', runId: '20260101-000000', flags: ['--force'] })).toBe('runr resume 20260101-000000 --force');
    expect(runrCommand('wait', 'r1', '--for', 'terminal', '--json')).toBe('runr wait r1 --for terminal --json');
    expect(runrCommand('report', 'r1')).toBe('runr report r1');
  });

  it('offers approve and reject for a run that waits for approval', () => {
    expect(approvalChoices('r1')).toBe('runr approve r1, or runr reject r1 --reason "…"');
    expect(approvalChoices('r1', 'what to change')).toBe('runr approve r1, or runr reject r1 --reason "what to change"');
  });

  it('builds the registry\'s suggested commands (SPEC §5) with the run\'s real ids', () => {
    const ctx = { runId: 'r1', branch: 'runr/r1', baseSha: '0123456789abcdef', configPath: '.runr/runr.config.json', fix: null };
    expect(STOP_REASONS.stalled_timeout.suggest(ctx)).toBe('runr resume r1');
    expect(STOP_REASONS.budget_exceeded.suggest(ctx)).toBe('runr resume r1 --budget-usd <higher amount>');
    expect(STOP_REASONS.awaiting_approval.suggest(ctx)).toBe('runr approve r1');
    expect(STOP_REASONS.worker_tampered.suggest(ctx)).toBe('# See what changed in runr report r1 and put it back; then runr resume r1 --force, or start a new run');
  });
});
