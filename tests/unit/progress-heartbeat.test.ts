// How the progress lines say how long a step has been going, and how often without a TTY.
import { describe, expect, it } from 'vitest';
import { elapsedText, HEARTBEAT_MS, progressOptionsFromEnv } from '../../src/cli/render/progress.js';

describe('progress timing', () => {
  it('elapsed time reads as seconds, then minutes and seconds', () => {
    expect(elapsedText(0)).toBe('0s');
    expect(elapsedText(59_999)).toBe('59s');
    expect(elapsedText(65_000)).toBe('1m 05s');
    expect(elapsedText(3_725_000)).toBe('62m 05s');
    expect(elapsedText(-5)).toBe('0s');
  });

  it('a heartbeat at least every 30 s by default; RUNR_PROGRESS_HEARTBEAT_S sets another, nonsense is ignored', () => {
    expect(HEARTBEAT_MS).toBeLessThanOrEqual(30_000);
    expect(progressOptionsFromEnv({})).toEqual({});
    expect(progressOptionsFromEnv({ RUNR_PROGRESS_HEARTBEAT_S: '5' })).toEqual({ heartbeatMs: 5000 });
    expect(progressOptionsFromEnv({ RUNR_PROGRESS_HEARTBEAT_S: 'soon' })).toEqual({});
    expect(progressOptionsFromEnv({ RUNR_PROGRESS_HEARTBEAT_S: '0' })).toEqual({});
  });
});
