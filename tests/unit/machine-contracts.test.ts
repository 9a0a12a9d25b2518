import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/contracts/effects.js';
import { STOP_REASONS } from '../../src/contracts/stop-reasons.js';
import { Journal, R } from './machine-fixtures.js';

const isWorker = (e: Effect, phase: string, m = 0) => e.kind === 'worker' && e.phase === phase && e.milestone_index === m;

describe('a resume goes on where the run stopped', () => {
  it('a run stopped in milestone 2 resumes in milestone 2: milestone 1 is checkpointed once, never again', () => {
    let blocked = false;
    const j = new Journal().drive((e) => {
      if (!blocked && isWorker(e, 'IMPLEMENT', 1)) { blocked = true; return R.implement('blocked'); }
      return undefined;
    });
    expect(j.s).toMatchObject({ stop_reason: 'implement_blocked', milestone_index: 1 });
    const m1 = j.s.milestones[0]!;
    expect(m1.status).toBe('complete');
    const before = j.log.length;

    j.resume();
    expect(j.s.milestone_index).toBe(1);
    j.drive();

    expect(j.s.stop_reason).toBe('complete');
    const afterResume = j.log.slice(before);
    expect(afterResume).not.toContain('checkpoint m1');
    expect(afterResume.filter((n) => n.endsWith(' m1') || n.includes(' m1 '))).toEqual([]);
    expect(j.log.filter((n) => n === 'checkpoint m1')).toHaveLength(1);
    expect(j.log.filter((n) => n === 'checkpoint m2')).toHaveLength(1);
    expect(j.s.milestones[0]).toEqual(m1);
  });
});

describe('request_changes is never an approval', () => {
  it.each([
    ['empty comments', { verdict: 'request_changes', comments: [] }],
    ['no comments field', { verdict: 'request_changes' }],
    ['null comments', { verdict: 'request_changes', comments: null }],
  ])('with %s the implementer goes again and nothing is checkpointed', (_why, review) => {
    const j = new Journal().drive(undefined, (x) => isWorker(x.head, 'REVIEW'));
    j.perform(R.worker(review));
    expect(j.s.queue.pending.map((e) => e.kind)).not.toContain('checkpoint');
    expect(j.head).toMatchObject({ kind: 'worker', phase: 'IMPLEMENT', milestone_index: 0, attempt: 2 });
    expect(j.s.loop.review_rounds).toBe(1);
    expect(j.s.milestones[0]!.checkpoint_sha).toBeNull();
  });
});

describe('the stop-reason registry is consistent', () => {
  it('a stop whose next action is resume is resumable; an auto-resumable stop is resumable', () => {
    for (const [reason, spec] of Object.entries(STOP_REASONS)) {
      if (spec.nextAction === 'resume') expect(spec.resumable, reason).toBe(true);
      if (spec.autoResumable) expect(spec.resumable, reason).toBe(true);
    }
  });
});
