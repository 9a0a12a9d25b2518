// How a worker call's activity is cut into worker_activity events: few per event, bounded per call.
import { describe, expect, it } from 'vitest';
import { ActivityBatch, MAX_ACTIVITY_PER_CALL, MAX_ACTIVITY_PER_EVENT } from '../../src/engine/activity-batch.js';

const log = (text: string) => ({ kind: 'log' as const, text });

describe('ActivityBatch', () => {
  it('times items from the call\'s start and hands them out oldest first, at most 20 per event', () => {
    const b = new ActivityBatch(1_000);
    for (let i = 0; i < 25; i++) b.add(log(`line ${i}`), 1_000 + i * 10);
    const first = b.take();
    expect(first).toHaveLength(MAX_ACTIVITY_PER_EVENT);
    expect(first[0]).toEqual({ at_ms: 0, kind: 'log', text: 'line 0' });
    expect(first[19]).toEqual({ at_ms: 190, kind: 'log', text: 'line 19' });
    expect(b.hasPending).toBe(true);
    expect(b.take().map((i) => i.text)).toEqual(['line 20', 'line 21', 'line 22', 'line 23', 'line 24']);
    expect(b.take()).toEqual([]);
    expect(b.finish(2_000)).toEqual([]);
  });

  it('keeps at most 200 items per call, then says how many more there were once, at the end', () => {
    const b = new ActivityBatch(0);
    const events: unknown[][] = [];
    for (let i = 0; i < 250; i++) {
      b.add(log(`line ${i}`), i);
      if (i % 50 === 49) events.push(b.take());
    }
    events.push(...b.finish(999));
    const items = events.flat() as { text: string; at_ms: number }[];
    expect(items).toHaveLength(MAX_ACTIVITY_PER_CALL + 1);
    expect(items.at(-2)!.text).toBe('line 199');
    expect(items.at(-1)).toEqual({ at_ms: 999, kind: 'log', text: '… 50 more' });
    expect(events.every((e) => e.length <= MAX_ACTIVITY_PER_EVENT)).toBe(true);
  });

  it('a newer token count replaces one not yet handed out; one already handed out stays', () => {
    const b = new ActivityBatch(0);
    b.add({ kind: 'usage', text: 'tokens 1.0k' }, 1);
    b.add({ kind: 'tool', text: 'Bash npm test' }, 2);
    b.add({ kind: 'usage', text: 'tokens 2.0k' }, 3);
    expect(b.take()).toEqual([{ at_ms: 2, kind: 'tool', text: 'Bash npm test' }, { at_ms: 3, kind: 'usage', text: 'tokens 2.0k' }]);
    b.add({ kind: 'usage', text: 'tokens 3.0k' }, 4);
    expect(b.finish(5)).toEqual([[{ at_ms: 4, kind: 'usage', text: 'tokens 3.0k' }]]);
  });

  it('the note of what was left out goes in an event of its own when the last one is full', () => {
    const b = new ActivityBatch(0);
    for (let i = 0; i < MAX_ACTIVITY_PER_CALL + 3; i++) b.add(log(`l${i}`), 0);
    const events = b.finish(7);
    expect(events).toHaveLength(11);
    expect(events.at(-1)).toEqual([{ at_ms: 7, kind: 'log', text: '… 3 more' }]);
  });
});
