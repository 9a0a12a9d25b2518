import { describe, expect, it } from 'vitest';
import { parseResetTime } from '../../src/workers/reset-time.js';

// The reset time Codex prints in a usage-limit message, read in the local time zone (as the CLI wrote it).
describe('parseResetTime', () => {
  const now = new Date(2026, 10, 22, 1, 30);

  it('reads a time of day later today', () => {
    expect(parseResetTime('You’ve hit your usage limit. … or try again at 2:22 AM.', now)).toEqual(new Date(2026, 10, 22, 2, 22));
    expect(parseResetTime('try again at 11:05 PM.', now)).toEqual(new Date(2026, 10, 22, 23, 5));
  });

  it('takes a time of day already past as tomorrow, and 12 AM as midnight', () => {
    expect(parseResetTime('try again at 1:02 AM.', now)).toEqual(new Date(2026, 10, 23, 1, 2));
    expect(parseResetTime('try again at 12:15 AM.', now)).toEqual(new Date(2026, 10, 23, 0, 15));
  });

  it('reads a full date', () => {
    expect(parseResetTime('… or try again at Nov 24th, 2026 2:52 AM.', now)).toEqual(new Date(2026, 10, 24, 2, 52));
    expect(parseResetTime('try again at Dec 1st, 2026 12:00 PM.', now)).toEqual(new Date(2026, 11, 1, 12, 0));
  });

  it('gives null when there is no time to read', () => {
    expect(parseResetTime('You’ve hit your usage limit. Try again later.', now)).toBeNull();
  });
});
