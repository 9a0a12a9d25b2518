import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkpointTrailers, orchRepos, spawnOrchestrate, taskOf, until, resumeOrch, writer, type OrchRepo, type OrchRepoOptions,
} from '../helpers/orchestrate.js';

const newRepo = orchRepos();
const fakeGitDirs: string[] = [];
afterEach(() => {
  for (const d of fakeGitDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Two tracks, three tasks; a2 waits at a gate in IMPLEMENT until the test opens it. */
function tracks(): OrchRepoOptions {
  return {
    tasks: {
      'tasks/a1.md': writer('A one', { 'src/a1.txt': 'a1\n' }),
      'tasks/a2.md': writer('A two', { 'src/a2.txt': 'a2\n' }, { gate: 'a2' }),
      'tasks/b1.md': writer('B one', { 'src/b1.txt': 'b1\n' }, { sleep_ms: 500 }),
    },
    tracks: [{ id: 'a', tasks: ['tasks/a1.md', 'tasks/a2.md'] }, { id: 'b', tasks: ['tasks/b1.md'] }],
  };
}

/**
 * A `git` first on PATH that SIGKILLs its caller (the orchestrator) instead of running, the first time
 * its arguments match `pattern` (grep -E on "$*"; runr passes its git config through the environment, so
 * the subcommand comes first).
 */
function gitKillingCallerOn(pattern: string): { PATH: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-orch-fakegit-'));
  fakeGitDirs.push(dir);
  const realGit = execaSync('sh', ['-c', 'command -v git']).stdout.trim();
  const marker = path.join(dir, 'fired');
  fs.writeFileSync(path.join(dir, 'git'), [
    '#!/bin/sh',
    `if echo "$*" | grep -Eq '${pattern}' && [ ! -e "${marker}" ]; then : > "${marker}"; kill -9 "$PPID"; sleep 1; exit 1; fi`,
    `exec "${realGit}" "$@"`,
    '',
  ].join('\n'), { mode: 0o755 });
  return { PATH: `${dir}${path.delimiter}${process.env.PATH}` };
}

/** After the kill: `orchestrate resume` completes; nothing complete before the kill ran again; every checkpoint once. */
async function resumeAndCheck(repo: OrchRepo, id: string, killedAt: number) {
  const before = await repo.status(id);
  expect(before.status).toBe('running');
  expect(before.stale, JSON.stringify(before)).toBe(true);
  expect(before.suggested_command).toContain(`orchestrate resume ${id}`);
  const doneBefore = before.tasks.filter((t) => t.status === 'complete');
  repo.openGate('a2');

  const r = await resumeOrch(repo, id);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.end).toMatchObject({ orchestration_id: id, status: 'complete', tasks: { complete: 3, total: 3 } });

  for (const t of doneBefore) {
    expect(repo.callsOf(t.title).filter((c) => c.start_ms > killedAt), `${t.key} ran again after the kill`).toEqual([]);
  }
  const s = await repo.status(id);
  expect(s.integration.status).toBe('verified');
  const trailers = checkpointTrailers(repo, s.integration.branch);
  for (const t of s.tasks) {
    expect(t.status).toBe('complete');
    expect(t.runs, `${t.key} got a second run`).toEqual([t.run_id]);
    expect(trailers.filter((x) => x === `${t.run_id}/m1`), `${t.key}'s checkpoint on ${s.integration.branch}`).toHaveLength(1);
    expect(checkpointTrailers(repo, t.branch!).filter((x) => x.startsWith(`${t.run_id}/`))).toEqual([`${t.run_id}/m1`]);
  }
  for (const file of ['src/a1.txt', 'src/a2.txt', 'src/b1.txt']) expect(repo.filesIn(s.integration.branch)).toContain(file);
  return s;
}

describe('orchestrate: kill -9 of the orchestrator, then orchestrate resume', { timeout: 180_000 }, () => {
  it('killed right after a task completed', async () => {
    const repo = newRepo(tracks());
    repo.openGate('a2');
    const o = spawnOrchestrate(repo, ['run', '--config', 'tracks.yaml', '--fast', '--json']);
    const { orchestration_id: id } = await o.firstLine;
    await until(() => fs.existsSync(path.join(repo.orchDir(id), 'events.ndjson'))
      && repo.orchEvents(id).some((e) => e.type === 'task_ended' && e.outcome === 'complete'), 'a task to complete', 90_000, 10);
    await o.kill9();
    const killedAt = Date.now();
    const s = await resumeAndCheck(repo, id, killedAt);
    expect(s.tasks.map((t) => t.key).sort()).toEqual(['a/a1', 'a/a2', 'b/b1']);
  });

  it('killed while a task runs (its worker waits in IMPLEMENT): the run is reclaimed, not restarted', async () => {
    const repo = newRepo(tracks());
    const o = spawnOrchestrate(repo, ['run', '--config', 'tracks.yaml', '--fast', '--json']);
    const { orchestration_id: id } = await o.firstLine;
    await until(() => repo.gateReached('a2'), 'a2 to reach its gate', 90_000, 20);
    const runBefore = taskOf(await repo.status(id), 'a/a2').run_id;
    expect(runBefore).toBeTruthy();
    await o.kill9();
    const killedAt = Date.now();
    const s = await resumeAndCheck(repo, id, killedAt);
    // The same run continued: its IMPLEMENT was performed again (the kill lost it), in that run.
    expect(taskOf(s, 'a/a2').run_id).toBe(runBefore);
    expect(repo.callsOf('A two', 'IMPLEMENT').map((c) => c.run_id)).toEqual([runBefore]);
  });

  it('killed before integration (at its first merge, before git ran it)', async () => {
    const repo = newRepo(tracks());
    repo.openGate('a2');
    const o = spawnOrchestrate(repo, ['run', '--config', 'tracks.yaml', '--fast', '--json'], gitKillingCallerOn('^merge --no-ff '));
    const { orchestration_id: id } = await o.firstLine;
    const ended = await o.done;
    expect(ended.exitCode, `the orchestrator was not killed: ${ended.stdout}\n${ended.stderr}`).not.toBe(0);
    const killedAt = Date.now();
    const before = await repo.status(id);
    expect(before.counts.complete).toBe(3);
    expect(['pending', 'merging']).toContain(before.integration.status);
    await resumeAndCheck(repo, id, killedAt);
  });
});
