import { describe, expect, it } from 'vitest';
import { decideAfterStop } from '../../src/engine/watch-policy.js';
import { STOP_REASONS, type StopReason } from '../../src/contracts/stop-reasons.js';
import { Journal, R } from './machine-fixtures.js';

const policy = { autoResume: true, maxAttempts: 3, cooldownS: 10 };
const NOW = Date.parse('2026-01-02T03:00:00.000Z');

function stoppedWith(reason: StopReason, retryAt: string | null = null) {
  const j = new Journal();
  j.perform(R.prepare());
  return { ...j.s, phase: 'STOPPED' as const, stop_reason: reason, queue: { ...j.s.queue, retry_at: retryAt }, finalized: true };
}

describe('decideAfterStop (runr watch)', () => {
  it('resumes exactly the auto-resumable stop reasons of the registry, after the cooldown', () => {
    for (const [reason, spec] of Object.entries(STOP_REASONS) as [StopReason, (typeof STOP_REASONS)[StopReason]][]) {
      const d = decideAfterStop(stoppedWith(reason), false, 0, policy, NOW);
      if (reason === 'complete') expect(d).toEqual({ kind: 'succeeded' });
      else if (spec.autoResumable && reason !== 'quota_wait') expect(d).toEqual({ kind: 'resume', at: NOW + 10_000 });
      else if (!spec.autoResumable) expect(d, reason).toEqual({ kind: 'stopped' });
    }
  });

  it('resumes a quota_wait not before its retry_at, and not before the cooldown either', () => {
    const later = new Date(NOW + 3_600_000).toISOString();
    expect(decideAfterStop(stoppedWith('quota_wait', later), false, 0, policy, NOW)).toEqual({ kind: 'resume', at: NOW + 3_600_000 });
    const soon = new Date(NOW + 1_000).toISOString();
    expect(decideAfterStop(stoppedWith('quota_wait', soon), false, 0, policy, NOW)).toEqual({ kind: 'resume', at: NOW + 10_000 });
  });

  it('reclaims a stale run, gives up after max attempts, and only observes without --auto-resume', () => {
    const running = new Journal().s;
    expect(decideAfterStop(running, true, 0, policy, NOW)).toEqual({ kind: 'resume', at: NOW + 10_000 });
    expect(decideAfterStop(stoppedWith('stalled_timeout'), false, 3, policy, NOW)).toEqual({ kind: 'gave_up' });
    expect(decideAfterStop(stoppedWith('stalled_timeout'), false, 0, { ...policy, autoResume: false }, NOW)).toEqual({ kind: 'stopped' });
  });
});
