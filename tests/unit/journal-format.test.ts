import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunEventSchema, type RunEvent, type RunEventInput } from '../../src/contracts/events.js';
import { STATE_VERSION } from '../../src/contracts/state.js';
import { replay } from '../../src/engine/machine.js';
import { JOURNAL_FORMAT, upgradeJournal } from '../../src/store/journal-format.js';
import { runInit } from './machine-fixtures.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/v1-journal/20261126070145/events.ndjson', import.meta.url));
const TS = '2026-01-02T03:04:05.000Z';
const ID = '20260102030405';

const journal = (events: RunEventInput[]): RunEvent[] => events.map((e, i) => RunEventSchema.parse({ ...e, seq: i + 1 }));
const fixtureEvents = (): RunEvent[] =>
  fs.readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => RunEventSchema.parse(JSON.parse(l)));

describe('journal formats', () => {
  it('a journal of the current format is read as written', () => {
    const events = journal([{ type: 'run_started', ts: TS, format: JOURNAL_FORMAT, run: runInit() }]);
    expect(upgradeJournal(events)).toEqual(events);
  });

  it('format 1 (no format): marked current, its absolute paths inside the repository made relative to it', () => {
    const root = '/old/repo';
    const logs = `${root}/.runr/runs/${ID}/logs`;
    const failure = { tier: 'tier2', command: 'npm test', exit_code: 1, timed_out: false, excerpt: 'x', log_path: `${logs}/e3.log` };
    const [started, worker, verify, outside] = upgradeJournal(journal([
      {
        type: 'run_started', ts: TS,
        run: {
          ...runInit(), repo_root: root, run_dir: `${root}/.runr/runs/${ID}`, work_dir: `${root}/.runr/worktrees/${ID}`,
          task_file: '/elsewhere/task.md', config_path: `${root}/.runr/runr.config.json`,
        },
      },
      { type: 'effect_result', ts: TS, effect_id: 'e2', result: { kind: 'worker', outcome: 'result', log_path: `${logs}/e2.log` } },
      { type: 'effect_result', ts: TS, effect_id: 'e3', result: { kind: 'verify', ok: false, commands: [], duration_ms: 1, failure } },
      { type: 'effect_result', ts: TS, effect_id: 'e4', result: { kind: 'worker', outcome: 'result', log_path: '/var/log/elsewhere.log' } },
    ]));
    expect(started).toMatchObject({
      format: JOURNAL_FORMAT,
      run: { repo_root: '.', run_dir: `.runr/runs/${ID}`, work_dir: `.runr/worktrees/${ID}`, task_file: '/elsewhere/task.md', config_path: '.runr/runr.config.json' },
    });
    expect(worker).toMatchObject({ result: { log_path: `.runr/runs/${ID}/logs/e2.log` } });
    expect(verify).toMatchObject({ result: { failure: { log_path: `.runr/runs/${ID}/logs/e3.log` } } });
    expect(outside).toMatchObject({ result: { log_path: '/var/log/elsewhere.log' } });
  });

  it('a real format-1 journal replays to the current state shape, its counters and stats intact', () => {
    const state = replay(upgradeJournal(fixtureEvents()))!;
    expect(state).toMatchObject({
      v: STATE_VERSION,
      phase: 'STOPPED',
      stop_reason: 'complete',
      finalized: true,
      milestones: [{ id: 'm1', status: 'complete' }, { id: 'm2', status: 'complete' }],
      session: { number: 1, started_at: '2026-11-26T07:01:45.520Z' },
      queue: { pending: [], in_flight: null, resume_effect: null, waiting: null, retry_at: null },
      loop: { verification_failures: 0, review_rounds: 0, implement_attempt: 1, failure_signatures: [] },
      feedback: { verification_failure: null, guard_violation_files: null },
      stats: { verify_stats: { attempts: 4, retries: 1 }, usage: { total: { calls: 8, input_tokens: 700 } } },
    });
    expect(state.stats.phase_stats.IMPLEMENT.count).toBe(4);
    expect(state.stats.last_worker_log).toMatch(/^\.runr\/runs\/20261126070145\/logs\/e21-review-m2-a1\.log$/);
  });
});
