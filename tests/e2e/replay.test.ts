// `runr replay` (docs/commands.md): a run's journal, event by event, with the state each event produced.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorOutputSchema } from '../../src/contracts/outputs.js';
import { ReplayAtOutputSchema, ReplayStepSchema, type ReplayStep } from '../../src/contracts/replay.js';
import * as runr from '../../src/index.js';
import { ROOT, TestRepo } from '../helpers/harness.js';
import { flakyCheck, runToEnd } from '../helpers/e2e-support.js';
import { twoMilestoneScript } from '../helpers/crash.js';

const made: TestRepo[] = [];
afterAll(() => {
  for (const repo of made) fs.rmSync(path.dirname(repo.dir), { recursive: true, force: true });
});

function parseReplay(stdout: string): { steps: ReplayStep[]; at: ReturnType<typeof ReplayAtOutputSchema.parse> | null } {
  const lines = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const last = lines.at(-1);
  const at = last && 'at' in last ? ReplayAtOutputSchema.parse(last) : null;
  return { steps: (at ? lines.slice(0, -1) : lines).map((l) => ReplayStepSchema.parse(l)), at };
}

describe('runr replay of a two-milestone run with one verification retry', () => {
  let repo: TestRepo;
  let runId: string;
  let journal: any[];

  beforeAll(async () => {
    repo = new TestRepo({ script: twoMilestoneScript() });
    made.push(repo);
    repo.write('check.js', flakyCheck(path.join(repo.stateDir, 'flaky-count'), 1));
    repo.git('commit', '-qam', 'flaky check');
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    runId = run.runId;
    journal = repo.events(runId);
  });

  const replay = (...args: string[]) => repo.runr(['replay', runId, ...args]);

  it('--json prints one step per journal event, seq 1..N, with the state each produced', async () => {
    const r = await replay('--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const { steps, at } = parseReplay(r.stdout);
    expect(at).toBeNull();
    expect(steps.map((s) => s.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(steps.map((s) => s.event.type)).toEqual(journal.map((e) => e.type));

    const failed = steps.findIndex((s) => s.event.type === 'effect_result' && s.event.effect?.kind === 'verify' && s.event.outcome === 'failed');
    expect(failed).toBeGreaterThan(0);
    expect(steps[failed]!.event.effect).toMatchObject({ milestone: 'm1', attempt: 1 });
    expect(steps[failed]!.state).toMatchObject({ phase: 'IMPLEMENT', milestone_index: 0, milestones_completed: 0, milestones_total: 2 });
    expect(steps[failed]!.state.counters.verification_failures).toBe(1);
    expect(steps[failed - 1]!.state.counters.verification_failures).toBe(0);

    expect(steps.at(-1)!.state).toMatchObject({ phase: 'STOPPED', stop_reason: 'complete', milestones_completed: 2, milestones_total: 2, waiting: null });
    // PLAN, IMPLEMENT m1 twice (the retry), REVIEW m1, IMPLEMENT m2, REVIEW m2.
    expect(steps.at(-1)!.state.usage.calls).toBe(6);
  });

  it('the human view is one line per event: seq, time, what happened and the phase it led to', async () => {
    const r = await replay();
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(journal.length);
    expect(lines[0]).toMatch(/^#1 \d\d:\d\d:\d\d run started: Add a greeting · phase PLAN/);
    expect(lines.find((l) => l.includes('VERIFY m1 a1 → failed'))).toMatch(/· phase IMPLEMENT m1\/2 · done 0\/2 · .*verify failures 1/);
    expect(lines.at(-1)).toMatch(/^#\d+ .* · phase STOPPED m2\/2 · done 2\/2 · stop complete/);
  });

  it('--at VERIFY stops at the first event that led to VERIFY, then prints the whole state there', async () => {
    const r = await replay('--at', 'VERIFY', '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const { steps, at } = parseReplay(r.stdout);
    expect(steps.at(-1)!.state.phase).toBe('VERIFY');
    expect(steps.slice(0, -1).every((s) => s.state.phase !== 'VERIFY')).toBe(true);
    expect(at!.at).toBe(steps.at(-1)!.seq);
    expect(at!.state).toMatchObject({ phase: 'VERIFY', milestone_index: 0, run_id: runId });
    expect(at!.state.queue.pending[0]).toMatchObject({ kind: 'verify', attempt: 1 });
  });

  it('--at m2 stops at the first event of milestone 2', async () => {
    const r = await replay('--at', 'm2', '--json');
    expect(r.exitCode, r.stderr).toBe(0);
    const { steps, at } = parseReplay(r.stdout);
    expect(steps.at(-1)!.event).toMatchObject({ type: 'effect_started', effect: { kind: 'worker', phase: 'IMPLEMENT', milestone: 'm2', attempt: 1 } });
    expect(steps.slice(0, -1).some((s) => s.event.effect?.milestone === 'm2')).toBe(false);
    expect(at!.state.milestones.map((m) => m.status)).toEqual(['complete', 'in_progress']);
  });

  it('--at <seq> stops at that event; the human view ends with a readable summary of the state', async () => {
    const failedSeq = journal.find((e) => e.type === 'effect_result' && e.result.kind === 'verify' && !e.result.ok).seq;
    const json = await replay('--at', String(failedSeq), '--json');
    expect(json.exitCode, json.stderr).toBe(0);
    const { steps, at } = parseReplay(json.stdout);
    expect(steps.map((s) => s.seq)).toEqual(Array.from({ length: failedSeq }, (_, i) => i + 1));
    expect(at!.at).toBe(failedSeq);
    expect(at!.state.loop.verification_failures).toBe(1);
    expect(at!.state.feedback.verification_failure).toMatchObject({ command: 'node check.js', exit_code: 1 });

    const human = await replay('--at', String(failedSeq));
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toContain(`State after event #${failedSeq}`);
    expect(human.stdout).toMatch(/loop\s+verification failures 1, review rounds 0/);
    expect(human.stdout).toMatch(/last failure node check\.js \(exit 1\): flaky failure 1/);
  });

  it('an --at that names nothing is a usage error saying what exists; an unknown run is exit 3', async () => {
    for (const at of ['nonsense', '9999', 'm3']) {
      const r = await replay('--at', at, '--json');
      expect(r.exitCode, at).toBe(2);
      const { error } = r.json(ErrorOutputSchema);
      expect(error.code).toBe('replay_at_not_found');
      expect(error.message).toContain(`seq 1..${journal.length}`);
      expect(error.message).toContain('milestones m1, m2');
    }
    const unknown = await repo.runr(['replay', '20200101000000', '--json']);
    expect(unknown.exitCode).toBe(3);
    expect(unknown.json(ErrorOutputSchema).error.code).toBe('run_not_found');
  });

  it('the library\'s replayRun returns the same steps as replay --json', async () => {
    const cli = parseReplay((await replay('--json')).stdout).steps;
    expect(await runr.replayRun(repo.dir, runId)).toEqual(cli);
    const until = await runr.replayRunUntil(repo.dir, 'latest', { at: 'm2' });
    expect(until.steps).toEqual(cli.slice(0, until.steps.length));
    expect(until.at).toBe(until.steps.at(-1)!.seq);
    await expect(runr.replayRun(repo.dir, runId, { at: 'nonsense' })).rejects.toMatchObject({ code: 'replay_at_not_found', exitCode: 2 });
  });
});

describe('runr replay of a run journaled by an older runr (format 1)', () => {
  const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'v1-journal');
  const RUN_ID = '20261126070145';

  it('replays every event and ends where that run ended', async () => {
    const repo = new TestRepo();
    made.push(repo);
    fs.cpSync(path.join(FIXTURE, RUN_ID), repo.runDir(RUN_ID), { recursive: true });
    const journal = fs.readFileSync(path.join(FIXTURE, RUN_ID, 'events.ndjson'), 'utf8').trim().split('\n');

    const r = await repo.runr(['replay', RUN_ID, '--at', String(journal.length), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const { steps, at } = parseReplay(r.stdout);
    expect(steps.map((s) => s.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(steps.at(-1)!.state).toMatchObject({ stop_reason: 'complete', milestones_completed: 2, milestones_total: 2 });
    expect(steps.some((s) => s.state.counters.review_rounds === 1)).toBe(true);
    // Its paths are made relative on read and resolved here, where the run now is.
    expect(at!.state.repo_root).toBe(repo.dir);
  });
});
