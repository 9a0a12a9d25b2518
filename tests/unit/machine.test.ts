import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/contracts/events.js';
import { replay, step } from '../../src/engine/machine.js';
import { defaultAnswer, iso, Journal, nameOf, R, runInit, sansUpdatedAt, T0 } from './machine-fixtures.js';

const MILESTONE = ['IMPLEMENT m{i} a1', 'guard(IMPLEMENT) m{i}', 'verify m{i} a1', 'guard(VERIFY) m{i}', 'REVIEW m{i} a1', 'checkpoint m{i}'];
const milestone = (i: number) => MILESTONE.map((s) => s.replace('{i}', String(i)));

describe('step: a whole happy path folded from events', () => {
  it('passes through every phase in order, one pending effect at a time, and completes', () => {
    const j = new Journal();
    expect(j.s.phase).toBe('PLAN');
    expect(j.s.queue.pending.map(nameOf)).toEqual(['prepare_workspace', 'PLAN']);
    const phases: string[] = [];
    while (!(j.s.phase === 'STOPPED' && j.s.finalized)) {
      j.start();
      phases.push(`${nameOf(j.s.queue.pending[0])}:${j.s.phase}`);
      j.now += 1000;
      j.result(j.head.id, defaultAnswer(j.head));
    }
    expect(phases).toEqual([
      'prepare_workspace:PLAN', 'PLAN:PLAN',
      'IMPLEMENT m1 a1:IMPLEMENT', 'guard(IMPLEMENT) m1:IMPLEMENT', 'verify m1 a1:VERIFY', 'guard(VERIFY) m1:VERIFY',
      'REVIEW m1 a1:REVIEW', 'checkpoint m1:CHECKPOINT',
      'IMPLEMENT m2 a1:IMPLEMENT', 'guard(IMPLEMENT) m2:IMPLEMENT', 'verify m2 a1:VERIFY', 'guard(VERIFY) m2:VERIFY',
      'REVIEW m2 a1:REVIEW', 'checkpoint m2:CHECKPOINT',
      'finalize:STOPPED',
    ]);
    const s = j.s;
    expect(s).toMatchObject({ phase: 'STOPPED', stop_reason: 'complete', finalized: true, queue: { pending: [], in_flight: null }, milestone_index: 1 });
    expect(s.milestones.map((m) => [m.id, m.goal, m.status, m.checkpoint_sha])).toEqual([
      ['m1', 'one', 'complete', `${'c'.repeat(39)}1`], ['m2', 'two', 'complete', `${'c'.repeat(39)}2`],
    ]);
    expect(s.checkpoint_sha).toBe(`${'c'.repeat(39)}2`);
    expect(s.stats.ticks).toBe(1 + 2 * 6); // prepare and finalize are not steps
    expect(s.stats.phase_stats).toEqual({
      PLAN: { duration_ms: 1000, count: 1 }, IMPLEMENT: { duration_ms: 2000, count: 2 }, VERIFY: { duration_ms: 2000, count: 2 },
      REVIEW: { duration_ms: 2000, count: 2 }, CHECKPOINT: { duration_ms: 2000, count: 2 },
    });
    expect(s.stats.verify_stats).toEqual({ attempts: 2, retries: 0, total_duration_ms: 10 });
    expect(s.started_at).toBe(iso(T0));
    expect(s.ended_at).toBe(j.events.at(-3)!.ts); // the stop is the last checkpoint's result, not the finalize
  });

  it('returns exactly the newly scheduled effects from each step', () => {
    const j = new Journal();
    expect(step(null, j.events[0]!).effects.map(nameOf)).toEqual(['prepare_workspace', 'PLAN']);
    j.perform(R.prepare());
    j.start();
    expect(j.result(j.head.id, R.plan('a', 'b')).effects.map(nameOf)).toEqual(['IMPLEMENT m1 a1']);
    expect(j.s.milestones.map((m) => m.status)).toEqual(['pending', 'pending']);
    expect(j.start().effects).toEqual([]);
    expect(j.s.milestones.map((m) => m.status)).toEqual(['in_progress', 'pending']);
    expect(j.s.queue.in_flight).toBe(j.head.id);
    j.drive(undefined, (x) => x.head.kind === 'checkpoint' && x.head.milestone_index === 1);
    j.start();
    expect(j.result(j.head.id, R.checkpoint('f'.repeat(40))).effects.map(nameOf)).toEqual(['finalize']);
    expect(j.s.phase).toBe('STOPPED');
    expect(j.s.finalized).toBe(false);
  });

  it('--fast: no PLAN and no REVIEW, the task is the one milestone', () => {
    const j = new Journal(runInit({ options: { fast: true } })).drive();
    expect(j.log).toEqual(['prepare_workspace', 'IMPLEMENT m1 a1', 'guard(IMPLEMENT) m1', 'verify m1 a1', 'guard(VERIFY) m1', 'checkpoint m1', 'finalize']);
    expect(j.s.milestones).toEqual([expect.objectContaining({ id: 'm1', goal: 'Do the thing', status: 'complete' })]);
  });

  it('the drive helper walks the same path', () => {
    const j = new Journal().drive();
    expect(j.log).toEqual(['prepare_workspace', 'PLAN', ...milestone(1), ...milestone(2), 'finalize']);
  });
});

describe('step: no result is ever applied twice', () => {
  it('a repeated result for an effect already applied changes nothing but updated_at', () => {
    const j = new Journal();
    j.drive(undefined, (x) => x.head.kind === 'verify');
    const verify = j.head;
    j.perform(R.verifyFail());
    const after = j.s;
    expect(after.loop.verification_failures).toBe(1);
    j.result(verify.id, R.verifyFail());
    j.result(verify.id, R.verifyFail());
    expect(sansUpdatedAt(j.s)).toEqual(sansUpdatedAt(after));
    expect(j.s.loop.verification_failures).toBe(1);
  });

  it('a result or a start for a non-head effect id is ignored', () => {
    const j = new Journal();
    j.drive(undefined, (x) => x.head.kind === 'checkpoint');
    const before = j.s;
    const head = j.head;
    j.result('e999', R.checkpoint('9'.repeat(40))); // never asked for
    j.result(`e${Number(head.id.slice(1)) + 1}`, R.checkpoint('9'.repeat(40))); // not yet asked for
    j.start({ ...head, id: 'e998' });
    expect(sansUpdatedAt(j.s)).toEqual(sansUpdatedAt(before));
    expect(j.s.queue.in_flight).toBeNull();
  });

  it('a result of the wrong kind for the head id is ignored', () => {
    const j = new Journal();
    j.drive(undefined, (x) => x.head.kind === 'checkpoint');
    const before = j.s;
    j.start();
    j.result(j.head.id, R.verifyOk());
    expect(j.s.queue.pending).toEqual(before.queue.pending);
    expect(j.s.milestones).toEqual(before.milestones);
  });

  it('a checkpoint result journaled twice (crash between journal and cache) completes the milestone once', () => {
    const j = new Journal();
    j.drive(undefined, (x) => x.head.kind === 'checkpoint');
    const cp = j.head;
    j.perform(R.checkpoint('a'.repeat(40)));
    const once = j.s;
    j.result(cp.id, R.checkpoint('d'.repeat(40)));
    expect(sansUpdatedAt(j.s)).toEqual(sansUpdatedAt(once));
    expect(j.s.milestones[0]!.checkpoint_sha).toBe('a'.repeat(40));
    expect(j.s.milestone_index).toBe(1);
  });
});

describe('replay', () => {
  it('is deterministic: the same journal gives equal states, twice and after a JSON round trip', () => {
    const j = new Journal();
    j.drive((e) => (e.kind === 'verify' && e.attempt === 1 && e.milestone_index === 0 ? R.verifyFail() : undefined));
    const events = j.events;
    const a = replay(events);
    const b = replay(events);
    expect(a).toEqual(b);
    expect(a).toEqual(j.s);
    expect(replay(JSON.parse(JSON.stringify(events)) as RunEvent[])).toEqual(a);
    // Every prefix replays to the state the fold had at that point.
    const states: unknown[] = [];
    let s = null;
    for (const e of events) states.push((s = step(s, e).state));
    for (let n = 1; n <= events.length; n++) expect(replay(events.slice(0, n))).toEqual(states[n - 1]);
  });

  it('does not read the clock: time comes from event timestamps only', () => {
    const events = new Journal().drive().events;
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date('2001-01-01T00:00:00Z'));
      const early = replay(events);
      vi.setSystemTime(new Date('2099-01-01T00:00:00Z'));
      expect(replay(events)).toEqual(early);
    } finally {
      vi.useRealTimers();
    }
  });

  it('of nothing is null; an event before run_started is an error', () => {
    expect(replay([])).toBeNull();
    const j = new Journal();
    j.perform(R.prepare());
    expect(() => replay(j.events.slice(1))).toThrow(/before run_started/);
  });
});

describe('verification failures', () => {
  afterEach(() => vi.useRealTimers());

  it('each failure sends the implementer back with the evidence; max_verify_retries failures stop the run', () => {
    const j = new Journal(runInit({ config: { limits: { max_verify_retries: 3 } } }));
    j.drive((e) => (e.kind === 'verify' ? R.verifyFail() : undefined));
    expect(j.log).toEqual(['prepare_workspace', 'PLAN',
      'IMPLEMENT m1 a1', 'guard(IMPLEMENT) m1', 'verify m1 a1',
      'IMPLEMENT m1 a2', 'guard(IMPLEMENT) m1', 'verify m1 a2',
      'IMPLEMENT m1 a3', 'guard(IMPLEMENT) m1', 'verify m1 a3', 'finalize']);
    expect(j.s).toMatchObject({ stop_reason: 'verification_failed_max_retries', loop: { verification_failures: 3 } });
    expect(j.s.stop_detail).toContain('node check.js');
    expect(j.s.feedback.verification_failure).toMatchObject({ command: 'node check.js', excerpt: 'boom' });
    expect(nameOf(j.s.queue.resume_effect!)).toBe('IMPLEMENT m1 a4');
    expect(j.s.stats.verify_stats).toMatchObject({ attempts: 3, retries: 2 });
  });

  it('a pass resets the count for the next milestone', () => {
    let fails = 2;
    const j = new Journal().drive((e) => (e.kind === 'verify' && e.milestone_index === 0 && fails-- > 0 ? R.verifyFail() : undefined));
    expect(j.s.stop_reason).toBe('complete');
    expect(j.log.filter((n) => n.startsWith('verify'))).toEqual(['verify m1 a1', 'verify m1 a2', 'verify m1 a3', 'verify m2 a1']);
    expect(j.log).toContain('IMPLEMENT m1 a3');
    expect(j.s.loop.verification_failures).toBe(0);
  });
});

describe('review loop detection', () => {
  it('the same requested change twice in a row (up to case, spacing and order) stops the run', () => {
    let call = 0;
    const comments = [['Fix the Name', 'add a test'], ['add  a test', 'fix the name']];
    const j = new Journal().drive((e) => (e.kind === 'worker' && e.phase === 'REVIEW' ? R.changes(...comments[Math.min(call++, 1)]!) : undefined));
    expect(j.s.stop_reason).toBe('review_loop_detected');
    expect(j.s.stop_detail).toContain('same changes twice');
    expect(j.log.filter((n) => n.startsWith('REVIEW'))).toHaveLength(2);
    expect(j.log.filter((n) => n.startsWith('IMPLEMENT'))).toEqual(['IMPLEMENT m1 a1', 'IMPLEMENT m1 a2']);
  });

  it('different changes are allowed max_review_rounds times; one more request stops the run', () => {
    let call = 0;
    const j = new Journal(runInit({ config: { limits: { max_review_rounds: 2 } } }))
      .drive((e) => (e.kind === 'worker' && e.phase === 'REVIEW' ? R.changes(`change ${++call}`) : undefined));
    expect(j.s.stop_reason).toBe('review_loop_detected');
    expect(j.log.filter((n) => n.startsWith('REVIEW'))).toHaveLength(3);
    expect(j.log.filter((n) => n.startsWith('IMPLEMENT'))).toEqual(['IMPLEMENT m1 a1', 'IMPLEMENT m1 a2', 'IMPLEMENT m1 a3']);
    expect(nameOf(j.s.queue.resume_effect!)).toMatch(/^REVIEW m1/);
  });

  it('an approval after changes moves on, and the next milestone starts with a clean slate', () => {
    let call = 0;
    const j = new Journal().drive((e) => (e.kind === 'worker' && e.phase === 'REVIEW' && e.milestone_index === 0 && call++ === 0 ? R.changes('x') : undefined));
    expect(j.s.stop_reason).toBe('complete');
    expect(j.log.filter((n) => n.startsWith('REVIEW'))).toEqual(['REVIEW m1 a1', 'REVIEW m1 a2', 'REVIEW m2 a1']);
  });
});
