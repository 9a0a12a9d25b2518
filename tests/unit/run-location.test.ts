import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEventSchema, type RunEventInput } from '../../src/contracts/events.js';
import type { RunInit } from '../../src/contracts/state.js';
import { loadState } from '../../src/engine/load-state.js';
import { locateState, portableEvent, portableRunInit } from '../../src/store/run-location.js';
import { RunStore } from '../../src/engine/run-store.js';
import { runInit } from './machine-fixtures.js';

const ID = '20260102030405';
const TS = '2026-01-02T03:04:05.000Z';

/** A repository-like directory with an empty run directory for ID; returns [root, runDir]. */
function repoWithRunDir(): [string, string] {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-loc-')));
  const runDir = path.join(root, '.runr', 'runs', ID);
  fs.mkdirSync(runDir, { recursive: true });
  return [root, runDir];
}

/** The fixture's init with every path under `root` (as a runr of before this change journaled it). */
function absoluteInit(root: string, taskFile = path.join(root, '.runr', 'tasks', 'task.md')): RunInit {
  return {
    ...runInit(), repo_root: root, run_dir: path.join(root, '.runr', 'runs', ID), task_file: taskFile,
    config_path: path.join(root, '.runr', 'runr.config.json'), work_dir: path.join(root, '.runr', 'worktrees', ID),
  };
}

function writeJournal(runDir: string, events: RunEventInput[]): void {
  fs.writeFileSync(path.join(runDir, 'events.ndjson'), events.map((e, i) => `${JSON.stringify(RunEventSchema.parse({ ...e, seq: i + 1 }))}\n`).join(''));
}

describe('a relocatable run directory', () => {
  it('journals paths inside the repository relative to it, and paths outside it as they are', () => {
    const init = absoluteInit('/repo', '/elsewhere/task.md');
    expect(portableRunInit(init)).toMatchObject({
      repo_root: '.', run_dir: `.runr/runs/${ID}`, work_dir: `.runr/worktrees/${ID}`,
      task_file: '/elsewhere/task.md', config_path: '.runr/runr.config.json',
    });
    expect(portableRunInit({ ...init, work_dir: '/repo' }).work_dir).toBe('.');
    expect(portableRunInit({ ...init, work_dir: '/repository-next-door/x' }).work_dir).toBe('/repository-next-door/x');
  });

  it('journals log paths of worker and verification results relative to the repository', () => {
    const worker = portableEvent({ type: 'effect_result', ts: TS, effect_id: 'e1', result: { kind: 'worker', outcome: 'result', log_path: `/repo/.runr/runs/${ID}/logs/e1.log` } }, '/repo');
    expect(worker).toMatchObject({ result: { log_path: `.runr/runs/${ID}/logs/e1.log` } });
    const failure = { tier: 'tier0', command: 'npm test', exit_code: 1, timed_out: false, excerpt: 'x', log_path: `/repo/.runr/runs/${ID}/logs/v.log` };
    const verify = portableEvent({ type: 'effect_result', ts: TS, effect_id: 'e2', result: { kind: 'verify', ok: false, commands: [], duration_ms: 1, failure } }, '/repo');
    expect(verify).toMatchObject({ result: { failure: { log_path: `.runr/runs/${ID}/logs/v.log` } } });
  });

  it('the store journals relative paths, state.json is their fold, and the engine sees absolute ones', async () => {
    const [root, runDir] = repoWithRunDir();
    const store = RunStore.open(runDir);
    store.append({ type: 'run_started', ts: TS, run: absoluteInit(root) });
    const journaled = JSON.parse(fs.readFileSync(path.join(runDir, 'events.ndjson'), 'utf8').trim());
    expect(journaled.run).toMatchObject({ repo_root: '.', run_dir: `.runr/runs/${ID}`, work_dir: `.runr/worktrees/${ID}` });
    expect(JSON.stringify(journaled)).not.toContain(root);
    expect(fs.readFileSync(path.join(runDir, 'state.json'), 'utf8')).not.toContain(root);
    expect(store.state).toMatchObject({ repo_root: root, run_dir: runDir, work_dir: path.join(root, '.runr', 'worktrees', ID) });
    expect(await loadState(runDir)).toEqual(store.state);
  });

  it('a run directory copied into another clone resolves there', async () => {
    const [first, runDir] = repoWithRunDir();
    RunStore.open(runDir).append({ type: 'run_started', ts: TS, run: absoluteInit(first) });
    const [second, copy] = repoWithRunDir();
    fs.cpSync(runDir, copy, { recursive: true });
    const state = await loadState(copy);
    expect(state).toMatchObject({
      repo_root: second, run_dir: copy, work_dir: path.join(second, '.runr', 'worktrees', ID),
      task_file: path.join(second, '.runr', 'tasks', 'task.md'), config_path: path.join(second, '.runr', 'runr.config.json'),
    });
    const { repo_root: _a, run_dir: _b, work_dir: _c, task_file: _d, config_path: _e, ...rest } = state!;
    const original = (await loadState(runDir))!;
    expect(rest).toEqual(Object.fromEntries(Object.entries(original).filter(([k]) => !['repo_root', 'run_dir', 'work_dir', 'task_file', 'config_path'].includes(k))));
  });

  it('an old journal with absolute paths still replays where it was written, unchanged', async () => {
    const [root, runDir] = repoWithRunDir();
    const init = absoluteInit(root, '/elsewhere/task.md');
    writeJournal(runDir, [{ type: 'run_started', ts: TS, run: init }]);
    const state = await loadState(runDir);
    expect(state).toMatchObject({ repo_root: root, run_dir: runDir, work_dir: init.work_dir, task_file: '/elsewhere/task.md', config_path: init.config_path });
  });

  it('an old journal copied into another clone resolves its paths inside the repository there', async () => {
    const [first] = repoWithRunDir();
    const [second, copy] = repoWithRunDir();
    writeJournal(copy, [{ type: 'run_started', ts: TS, run: absoluteInit(first, '/elsewhere/task.md') }]);
    expect(await loadState(copy)).toMatchObject({
      repo_root: second, run_dir: copy, work_dir: path.join(second, '.runr', 'worktrees', ID), task_file: '/elsewhere/task.md',
    });
  });

  it('resolving is idempotent on a located state', () => {
    const [root, runDir] = repoWithRunDir();
    const state = { ...absoluteInit(root), stats: { last_worker_log: `${runDir}/logs/x.log` }, feedback: { verification_failure: null } } as never;
    const once = locateState(state, runDir);
    expect(locateState(once, runDir)).toEqual(once);
  });
});
