// After a crash between starting a task's run and journaling it, `orchestrate resume` adopts that run (SPEC §9).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptableRun } from '../../src/orchestrate/adopt.js';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';

const tempDir = tempDirsRemovedAfterEach('runr-adopt-');

const ORCH_STARTED = '2026-11-26T10:00:00.000Z';

function repoWithRuns(runs: Record<string, { taskFile: string; firstType?: string } | string>) {
  const repo = tempDir();
  for (const [runId, run] of Object.entries(runs)) {
    const dir = path.join(repo, '.runr', 'runs', runId);
    fs.mkdirSync(dir, { recursive: true });
    const text = typeof run === 'string'
      ? run
      : `${JSON.stringify({ seq: 1, ts: 'x', type: run.firstType ?? 'run_started', run: { run_id: runId, task_file: run.taskFile } })}\n${JSON.stringify({ seq: 2, type: 'effect_started' })}\n`;
    fs.writeFileSync(path.join(dir, 'events.ndjson'), text);
  }
  return repo;
}

/** The derived task file of `key`, relative to the repository (as a run's journal keeps it). */
const relative = (key: string) => path.join('.runr', 'orchestrations', '20261126100000', 'tasks', `${key.replace('/', '--')}.md`);
const derived = (repo: string, key: string) => path.join(repo, relative(key));

describe('adoptableRun', () => {
  it('finds the run whose first journal line names the derived task file (relative to the repository or absolute)', () => {
    const repo = repoWithRuns({
      '20261126100005': { taskFile: relative('ui/theme') },
      '20261126100003': { taskFile: relative('auth/login') },
    });
    expect(adoptableRun(repo, derived(repo, 'auth/login'), ORCH_STARTED, [])).toBe('20261126100003');
    expect(adoptableRun(repo, derived(repo, 'ui/theme'), ORCH_STARTED, [])).toBe('20261126100005');
    expect(adoptableRun(repo, derived(repo, 'docs/readme'), ORCH_STARTED, [])).toBeNull();

    const absolute = repoWithRuns({ '20261126100007-123abcde': { taskFile: '/elsewhere/auth--login.md' } });
    expect(adoptableRun(absolute, '/elsewhere/auth--login.md', ORCH_STARTED, [])).toBe('20261126100007-123abcde');
  });

  it('ignores runs a task has already claimed, and takes the newest unclaimed one', () => {
    const rel = relative('auth/login');
    const runs = repoWithRuns({ '20261126100003': { taskFile: rel }, '20261126100009': { taskFile: rel } });
    const file = derived(runs, 'auth/login');
    expect(adoptableRun(runs, file, ORCH_STARTED, [])).toBe('20261126100009');
    expect(adoptableRun(runs, file, ORCH_STARTED, ['20261126100009'])).toBe('20261126100003');
    expect(adoptableRun(runs, file, ORCH_STARTED, ['20261126100009', '20261126100003'])).toBeNull();
  });

  it('ignores runs older than the orchestration (a run of the second it started still counts)', () => {
    const rel = relative('auth/login');
    const runs = repoWithRuns({ '20261126095959': { taskFile: rel } });
    expect(adoptableRun(runs, derived(runs, 'auth/login'), ORCH_STARTED, [])).toBeNull();
    const sameSecond = repoWithRuns({ '20261126100000': { taskFile: rel } });
    expect(adoptableRun(sameSecond, derived(sameSecond, 'auth/login'), ORCH_STARTED, [])).toBe('20261126100000');
  });

  it('a run without a readable journal, or whose first line is not run_started, is nobody\'s', () => {
    const rel = relative('auth/login');
    const runs = repoWithRuns({
      '20261126100009': 'not json\n',
      '20261126100008': { taskFile: rel, firstType: 'run_resumed' },
      '20261126100007': '',
      '20261126100002': { taskFile: rel },
    });
    fs.mkdirSync(path.join(runs, '.runr', 'runs', '20261126100010'));
    expect(adoptableRun(runs, derived(runs, 'auth/login'), ORCH_STARTED, [])).toBe('20261126100002');
  });

  it('no runs directory: nothing to adopt', () => {
    expect(adoptableRun(tempDir(), '/nowhere/tasks/auth--login.md', ORCH_STARTED, [])).toBeNull();
  });
});
