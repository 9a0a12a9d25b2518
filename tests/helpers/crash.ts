// Helpers for the crash-safety, lease and store tests: invariants a run must keep whatever kills it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';
import { expect } from 'vitest';
import { type StatusOutput } from '../../src/contracts/outputs.js';
import { replay } from '../../src/engine/machine.js';
import { buildStatus } from '../../src/engine/status.js';
import { readJournal } from '../../src/store/journal.js';
import { liveness } from '../../src/store/lease.js';
import { loadState } from '../../src/engine/load-state.js';
import { approve, ok, plan, startRun, type Script, type TestRepo } from './harness.js';
import { promptKeys, statusOf } from './e2e-support.js';

export { promptKeys, statusOf };

/** Two milestones, every worker key milestone-specific, so prompt keys show exactly what ran. */
export function twoMilestoneScript(overrides: Script = {}): Script {
  return {
    PLAN: [{ result: plan('add a', 'add b') }],
    'IMPLEMENT:m1': [{ write: { 'src/a.js': 'export const a = 1;\n' }, result: ok('a') }],
    'IMPLEMENT:m2': [{ write: { 'src/b.js': 'export const b = 2;\n' }, result: ok('b') }],
    'REVIEW:m1': [{ result: approve() }],
    'REVIEW:m2': [{ result: approve() }],
    ...overrides,
  };
}

/** The prompt keys a complete two-milestone run asks for, each exactly once. */
export const TWO_MILESTONE_KEYS = ['PLAN', 'IMPLEMENT-m1', 'REVIEW-m1', 'IMPLEMENT-m2', 'REVIEW-m2'];


/** `Runr-Checkpoint` trailer values (e.g. "<id>/m1") of the commits on runr/<id>, oldest first. */
export function checkpointTrailers(repo: TestRepo, runId: string): string[] {
  const bodies = repo.git('log', '--reverse', '--format=%B%x00', `runr/${runId}`);
  return [...bodies.matchAll(/^Runr-Checkpoint: (\S+)$/gm)].map((m) => m[1]!);
}

/** Exactly one checkpoint commit per milestone, in order, and the branch ends at the last. */
export function expectOneCheckpointPerMilestone(repo: TestRepo, runId: string, milestones: number): void {
  expect(checkpointTrailers(repo, runId)).toEqual(Array.from({ length: milestones }, (_, i) => `${runId}/m${i + 1}`));
}

export function readStateFile(repo: TestRepo, runId: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(repo.runDir(runId), 'state.json'), 'utf8'));
}

/** state.json (minus journal_bytes) is exactly the fold of events.ndjson, and says how much it reflects. */
export function expectStateMatchesJournal(repo: TestRepo, runId: string): void {
  const runDir = repo.runDir(runId);
  const { journal_bytes: bytes, ...stored } = readStateFile(repo, runId);
  const { events } = readJournal(runDir);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(stored).toEqual(JSON.parse(JSON.stringify(replay(events))));
  expect(bytes).toBe(fs.statSync(path.join(runDir, 'events.ndjson')).size);
}

/** What `runr status` would print, computed in this process (fast enough to poll). Null before run_started. */
export async function statusNow(runDir: string): Promise<StatusOutput | null> {
  const state = await loadState(runDir);
  return state ? buildStatus(state, liveness(runDir)) : null;
}

/** The process ended by SIGKILL (execa reports no exit code; the harness maps it to -1). */
export function expectKilled(r: { exitCode: number; stderr: string }): void {
  expect(r.exitCode, `expected a kill -9, got exit ${r.exitCode}: ${r.stderr}`).toBe(-1);
}

/** An error is one line on stderr, without a stack trace. */
export function expectOneLineError(r: { exitCode: number; stderr: string }): void {
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

/** Everything a crash-and-resume must leave behind for a complete two-milestone run. */
export async function expectCompleteTwoMilestoneRun(repo: TestRepo, runId: string): Promise<void> {
  const s = await statusOf(repo, runId);
  expect(s.stop_reason).toBe('complete');
  expect(s.stale).toBeUndefined();
  expect(s.milestones.map((m) => m.status)).toEqual(['complete', 'complete']);
  expectOneCheckpointPerMilestone(repo, runId, 2);
  expect(s.checkpoint_sha).toBe(repo.git('rev-parse', `runr/${runId}`));
  expect(repo.git('show', `runr/${runId}:src/a.js`)).toContain('a = 1');
  expect(repo.git('show', `runr/${runId}:src/b.js`)).toContain('b = 2');
  expectStateMatchesJournal(repo, runId);
  expect(fs.existsSync(path.join(repo.runDir(runId), 'lease.json'))).toBe(false);
}

/** A short description of a journal event, to compare journals across sessions. */
export function describeEvent(event: any, effects: Map<string, any>): string {
  if (event.type === 'effect_started') {
    effects.set(event.effect.id, event.effect);
    return `started ${effectName(event.effect)}`;
  }
  if (event.type === 'effect_result') return `result ${effectName(effects.get(event.effect_id))}`;
  return event.type;
}

function effectName(e: any): string {
  if (!e) return '?';
  if (e.kind === 'worker') return `${e.phase}${e.phase === 'PLAN' ? '' : `-m${e.milestone_index + 1}`}`;
  if (e.kind === 'guard') return `guard(${e.after})-m${e.milestone_index + 1}`;
  if (e.kind === 'verify' || e.kind === 'checkpoint') return `${e.kind}-m${e.milestone_index + 1}`;
  return e.kind;
}

export function describeJournal(events: any[]): string[] {
  const effects = new Map<string, any>();
  return events.map((e) => describeEvent(e, effects));
}

/** Polls `fn` until it returns a truthy value. */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000, everyMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Environment putting a `git` first on PATH that runs the real git and then, the first time its
 * arguments satisfy `condition` (a shell command testing "$*", e.g. `echo " $* " | grep -q " commit "`), SIGKILLs its caller: runr, dying right
 * after a git effect happened and before runr could journal it.
 */
export function gitKillingRunrAfter(condition: string): { PATH: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-fakegit-'));
  const realGit = execaSync('sh', ['-c', 'command -v git']).stdout.trim();
  const marker = path.join(dir, 'fired');
  fs.writeFileSync(path.join(dir, 'git'), [
    '#!/bin/sh',
    `"${realGit}" "$@"`,
    'rc=$?',
    `if ${condition} && [ ! -e "${marker}" ]; then : > "${marker}"; kill -9 "$PPID"; sleep 1; fi`,
    'exit $rc',
    '',
  ].join('\n'), { mode: 0o755 });
  return { PATH: `${dir}${path.delimiter}${process.env.PATH}` };
}


/** `runr resume` succeeds and leaves a complete, consistent two-milestone run. */
export async function resumeToCompletion(repo: TestRepo, runId: string): Promise<void> {
  const r = await repo.runr(['resume', runId]);
  expect(r.exitCode, r.stderr + r.stdout).toBe(0);
  await expectCompleteTwoMilestoneRun(repo, runId);
}

/** The supervisor's test hook: it SIGKILLs itself right after journaling event N. */
export const CRASH = 'RUNR_TEST_CRASH_AFTER_SEQ';

/** Starts a run (in a worktree) that kills itself after journal event `n`. */
export async function startCrashingRun(repo: TestRepo, n: number | string) {
  const run = await startRun(repo, [], { [CRASH]: String(n) });
  expectKilled(run);
  return run;
}
