import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportOutputSchema, StatusOutputSchema } from '../../src/contracts/outputs.js';
import { ROOT, startRun, TestRepo } from '../helpers/harness.js';

/**
 * A run written by an older runr (journal format 1, state.json v1: tests/fixtures/v1-journal, a real
 * two-milestone run with a verification retry and a review round) still reads: status and report
 * answer exactly what that runr answered, from the journal (its state.json is another version).
 */
const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'v1-journal');
const RUN_ID = '20261126070145';
/** The repository the fixture was written in: its status and report name paths inside it. */
const WRITTEN_IN = '/tmp/runr-test-IfxG7p/repo';

function expected(name: string, repoDir: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE, name), 'utf8').replaceAll(WRITTEN_IN, repoDir));
}

function repoWithOldRun(): TestRepo {
  const repo = new TestRepo();
  fs.cpSync(path.join(FIXTURE, RUN_ID), repo.runDir(RUN_ID), { recursive: true });
  return repo;
}

describe('a new run', () => {
  it('journals the current format in run_started, and caches its state as the current version', async () => {
    const repo = new TestRepo();
    const run = await startRun(repo, ['--fast']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(repo.events(run.runId)[0]).toMatchObject({ type: 'run_started', format: 2 });
    expect(JSON.parse(fs.readFileSync(path.join(repo.runDir(run.runId), 'state.json'), 'utf8')).v).toBe(2);
  });
});

describe('a run journaled by an older runr (format 1)', () => {
  it('status --json and report --json answer as the runr that wrote it did', async () => {
    const repo = repoWithOldRun();
    const oldState = JSON.parse(fs.readFileSync(path.join(repo.runDir(RUN_ID), 'state.json'), 'utf8'));
    expect(oldState.v).toBe(1);

    const status = await repo.runr(['status', RUN_ID, '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.json(StatusOutputSchema)).toEqual(expected('expected-status.json', repo.dir));

    const report = await repo.runr(['report', RUN_ID, '--json']);
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.json(ReportOutputSchema)).toEqual(expected('expected-report.json', repo.dir));
  });

  it('its state.json of another version is never believed: status answers from the journal alone', async () => {
    const repo = repoWithOldRun();
    const stateFile = path.join(repo.runDir(RUN_ID), 'state.json');
    // Same journal size, so only its version can tell that this cache is not one of this runr's.
    const old = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    fs.writeFileSync(stateFile, JSON.stringify({ ...old, stop_reason: 'worker_failed', stop_detail: 'not from the journal' }));
    const status = await repo.runr(['status', RUN_ID, '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.json(StatusOutputSchema)).toMatchObject({ stop_reason: 'complete', stop_detail: null, next_action: 'none' });
  });

  it('follow --json replays its events as they were journaled', async () => {
    const repo = repoWithOldRun();
    const r = await repo.runr(['follow', RUN_ID, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const journal = fs.readFileSync(path.join(FIXTURE, RUN_ID, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(r.lines()).toEqual(journal);
  });
});
