import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorOutputSchema, ReportOutputSchema, WaitOutputSchema } from '../../src/contracts/outputs.js';
import { replay } from '../../src/engine/machine.js';
import { readJournal } from '../../src/store/journal.js';
import { startRun, TestRepo } from '../helpers/harness.js';
import {
  describeJournal, expectCompleteTwoMilestoneRun,
  resumeToCompletion, startCrashingRun, expectOneLineError,
  promptKeys, statusOf, TWO_MILESTONE_KEYS, twoMilestoneScript,
} from '../helpers/crash.js';

const stateFile = (repo: TestRepo, runId: string) => path.join(repo.runDir(runId), 'state.json');
const journalFile = (repo: TestRepo, runId: string) => path.join(repo.runDir(runId), 'events.ndjson');

type Damage = (file: string) => void;
const STATE_DAMAGE: Record<string, Damage> = {
  garbage: (f) => fs.writeFileSync(f, '\u0000\u0001 not json at all {{{'),
  truncated: (f) => fs.writeFileSync(f, fs.readFileSync(f, 'utf8').slice(0, 200)),
  empty: (f) => fs.writeFileSync(f, ''),
  deleted: (f) => fs.rmSync(f),
};

/** A complete two-milestone run, and what status and report say about it while everything is intact. */
async function completeRun() {
  const repo = new TestRepo({ script: twoMilestoneScript() });
  const r = await startRun(repo);
  expect(r.exitCode, r.stderr).toBe(0);
  const status = await statusOf(repo, r.runId);
  const report = (await repo.runr(['report', r.runId, '--json'])).json(ReportOutputSchema);
  return { repo, runId: r.runId, status, report };
}

describe('a damaged state.json is rebuilt from the journal', () => {
  it('garbage, truncated, empty or deleted: status, report and wait still answer exactly as before', async () => {
    const { repo, runId, status, report } = await completeRun();
    const intact = fs.readFileSync(stateFile(repo, runId));
    for (const [kind, damage] of Object.entries(STATE_DAMAGE)) {
      fs.writeFileSync(stateFile(repo, runId), intact);
      damage(stateFile(repo, runId));
      expect(await statusOf(repo, runId), kind).toEqual(status);
      const r = await repo.runr(['report', runId, '--json']);
      expect(r.exitCode, `${kind}: ${r.stderr}`).toBe(0);
      expect(r.json(ReportOutputSchema), kind).toEqual(report);
    }
    const w = await repo.runr(['wait', runId, '--for', 'terminal', '--timeout', '5', '--json']);
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.json(WaitOutputSchema)).toMatchObject({ stop_reason: 'complete', milestones_completed: 2 });
    const human = await repo.runr(['status', runId, '--human']);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toContain('complete');

    // A torn last journal line on top: still the same answers.
    fs.appendFileSync(journalFile(repo, runId), '{"seq":32,"ts":"2026-01-01T00:00:00.000Z","type":"effect_sta');
    expect(await statusOf(repo, runId)).toEqual(status);
    expect((await repo.runr(['report', runId, '--json'])).json(ReportOutputSchema)).toEqual(report);
  });

  it('an out-of-date state.json (the journal moved on) is not believed', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '17');
    const before = JSON.parse(fs.readFileSync(stateFile(repo, first.runId), 'utf8'));
    expect(before.milestones[0].status).toBe('complete');
    // Put back the snapshot of a few events earlier, as a crash between append and cache write would leave it.
    const { events } = readJournal(repo.runDir(first.runId));
    const older = replay(events.slice(0, 15))!;
    const bytes = events.slice(0, 15).reduce((n, e) => n + Buffer.byteLength(`${JSON.stringify(e)}\n`), 0);
    fs.writeFileSync(stateFile(repo, first.runId), JSON.stringify({ ...older, journal_bytes: bytes }));
    const s = await statusOf(repo, first.runId);
    expect(s.milestones.map((m) => m.status)).toEqual(['complete', 'pending']);
    expect(s.checkpoint_sha).toBe(before.checkpoint_sha);
  });

  it('a crashed run with a garbage state.json resumes to completion', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '14'); // REVIEW m1 started
    STATE_DAMAGE.garbage!(stateFile(repo, first.runId));
    const s = await statusOf(repo, first.runId);
    expect(s).toMatchObject({ phase: 'REVIEW', stale: true, next_action: 'resume', stop_reason: null });
    await resumeToCompletion(repo, first.runId);
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });
});

describe('a torn last journal line (a crash mid-append) is ignored, never fatal', () => {
  it('on a crashed run: resume drops the fragment and completes; the journal is whole afterwards', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '9');
    fs.appendFileSync(journalFile(repo, first.runId), '{"seq":10,"ts":"2026-01-01T00:00:00.000Z","type":"effect_started","effe');
    const s = await statusOf(repo, first.runId);
    expect(s).toMatchObject({ stale: true, phase: 'VERIFY', next_action: 'resume' });
    await resumeToCompletion(repo, first.runId);
    const lines = fs.readFileSync(journalFile(repo, first.runId), 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).seq)).toEqual(lines.slice(0, -1).map((_, i) => i + 1));
  });

  it('a last event whose newline never reached the disk counts as torn, for readers and for resume alike', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '10'); // verify m1 started
    const file = journalFile(repo, first.runId);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n$/, ''));
    fs.rmSync(stateFile(repo, first.runId));
    const s = await statusOf(repo, first.runId);
    expect(s).toMatchObject({ phase: 'VERIFY', stale: true });
    expect(readJournal(repo.runDir(first.runId)).events).toHaveLength(9); // the guard result is the last whole event
    const r = await repo.runr(['resume', first.runId]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    await expectCompleteTwoMilestoneRun(repo, first.runId); // includes: seqs contiguous, state.json = replay
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });

  it('a torn checkpoint result: the commit it described is found on resume, not made again', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '17'); // checkpoint m1 result journaled
    const runId = first.runId;
    const made = repo.git('rev-parse', `runr/${runId}`);
    const text = fs.readFileSync(journalFile(repo, runId), 'utf8');
    const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
    fs.writeFileSync(journalFile(repo, runId), text.slice(0, lastStart + Math.floor((text.length - lastStart) / 2)));
    expect(describeJournal(readJournal(repo.runDir(runId)).events).at(-1)).toBe('started checkpoint-m1');

    const s = await statusOf(repo, runId);
    expect(s).toMatchObject({ phase: 'CHECKPOINT', stale: true, checkpoint_sha: null });
    await resumeToCompletion(repo, runId);
    const checkpoints = repo.events(runId).filter((e) => e.type === 'effect_result' && e.result.kind === 'checkpoint');
    expect(checkpoints[0].result).toEqual({ kind: 'checkpoint', ok: true, sha: made, reused: true });
    expect(promptKeys(repo)).toEqual(TWO_MILESTONE_KEYS);
  });
});

describe('damage in the middle of the journal', () => {
  it('is reported as one clear error line by status, report, wait and resume, and nothing is written', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '12');
    const runId = first.runId;
    const file = journalFile(repo, runId);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[4] = '{"seq":5,"type":"effect_result","eff';
    fs.writeFileSync(file, lines.join('\n'));
    const damaged = fs.readFileSync(file, 'utf8');
    fs.rmSync(path.join(repo.runDir(runId), 'lease.json'), { force: true });

    for (const args of [['status', runId], ['report', runId], ['wait', runId, '--timeout', '5'], ['resume', runId]]) {
      const r = await repo.runr(args);
      expect(r.exitCode, `${args[0]}: ${r.stderr}`).not.toBe(0);
      expect(r.exitCode).not.toBe(124);
      expectOneLineError(r);
      expect(r.stderr).toContain('events.ndjson');
      expect(r.stderr).toMatch(/line 5\b/);
      expect(r.stderr, 'damaged data is not a runr bug').not.toContain('internal error');
      const j = await repo.runr([...args, '--json']);
      expect(j.exitCode).toBe(r.exitCode);
      expect(j.json(ErrorOutputSchema).error.message).toContain('line 5');
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(damaged);
    expect(fs.existsSync(path.join(repo.runDir(runId), 'lease.json'))).toBe(false);
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT-m1']);
  });

  it('does not hide the other, intact runs from status --all', async () => {
    const repo = new TestRepo({ script: twoMilestoneScript() });
    const first = await startCrashingRun(repo, '12');
    // An intact copy of the run under an older id, then damage to the original.
    const copy = '20000101000000';
    fs.cpSync(repo.runDir(first.runId), repo.runDir(copy), { recursive: true });
    const file = journalFile(repo, first.runId);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[4] = 'garbage';
    fs.writeFileSync(file, lines.join('\n'));
    fs.rmSync(stateFile(repo, first.runId), { force: true });

    const all = await repo.runr(['status', '--all', '--json']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.json().runs).toEqual(expect.arrayContaining([expect.objectContaining({ stale: true, phase: 'VERIFY' })]));
  });
});
