import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/contracts/exit-codes.js';
import { EXECUTOR_STOPS, exitCodeFor, STOP_REASON_NAMES, STOP_REASONS } from '../../src/contracts/stop-reasons.js';

describe('exitCodeFor', () => {
  it('is the registry exit code of the stop reason', () => {
    expect(exitCodeFor('complete')).toBe(EXIT.ok);
    expect(exitCodeFor('interrupted')).toBe(EXIT.interrupted);
    expect(exitCodeFor('config_invalid')).toBe(EXIT.usage);
    expect(exitCodeFor('guard_violation')).toBe(EXIT.stopped);
    for (const reason of STOP_REASON_NAMES) expect(exitCodeFor(reason), reason).toBe(STOP_REASONS[reason].exitCode);
  });

  it('is "stopped" for a run with no stop reason (nobody executes it)', () => {
    expect(exitCodeFor(null)).toBe(EXIT.stopped);
    expect(exitCodeFor(undefined)).toBe(EXIT.stopped);
  });
});

describe('the stops the executor records by itself', () => {
  it('are resumable by hand but never resumed automatically', () => {
    for (const reason of EXECUTOR_STOPS) {
      expect(STOP_REASONS[reason], reason).toMatchObject({ resumable: true, autoResumable: false, nextAction: 'resume' });
    }
  });
});
