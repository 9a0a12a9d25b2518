// The integration branch of an orchestration, on real git: merges, conflicts kept as commits, recorded resolutions.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/contracts/config.js';
import {
  closeIntegration, integrationTip, leftoverMarkers, mergeInto, openIntegration, recordResolution, verifyIntegration,
  type IntegrationWorkspace,
} from '../../src/orchestrate/integration.js';
import { git } from '../helpers/harness.js';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';

const tempDir = tempDirsRemovedAfterEach('runr-integ-');
const ORCH = '20260102030405';

let repo: string;
let base: string;
let dir: string;

/** A repository with one commit on main, a dirty user checkout, and runr's directory excluded (as runr does). */
function makeRepo(): string {
  const root = path.join(fs.realpathSync(tempDir()), 'repo');
  fs.mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  write(root, 'shared.txt', 'one\ntwo\nthree\n');
  write(root, 'other.txt', 'alpha\nbeta\n');
  write(root, 'check.js', 'process.exit(0)\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
  fs.appendFileSync(path.join(root, '.git', 'info', 'exclude'), '/.runr/\n');
  // The user's own uncommitted work, which nothing here may touch.
  write(root, 'other.txt', 'alpha\nbeta (edited by the user)\n');
  write(root, 'notes.txt', 'untracked\n');
  return root;
}

function write(root: string, file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

/** A branch from `from` with one commit writing `files`, made without touching the user's checkout. */
function branchWith(name: string, files: Record<string, string>, from = base): string {
  const wt = path.join(tempDir(), 'wt');
  git(repo, 'worktree', 'add', '-q', '-b', name, wt, from);
  for (const [file, content] of Object.entries(files)) write(wt, file, content);
  git(wt, 'add', '-A');
  git(wt, 'commit', '-q', '-m', `${name} work`);
  const sha = git(wt, 'rev-parse', 'HEAD');
  git(repo, 'worktree', 'remove', '--force', wt);
  return sha;
}

const parentsOf = (sha: string) => git(repo, 'log', '-1', '--format=%P', sha).split(' ');
const fileAt = (sha: string, file: string) => git(repo, 'show', `${sha}:${file}`);
const treeOf = (sha: string) => git(repo, 'rev-parse', `${sha}^{tree}`);
const statusOf = (cwd: string) => git(cwd, 'status', '--porcelain', '--untracked-files=all');

function userCheckout() {
  return {
    head: git(repo, 'rev-parse', 'HEAD'),
    branch: git(repo, 'symbolic-ref', 'HEAD'),
    status: statusOf(repo),
    other: fs.readFileSync(path.join(repo, 'other.txt'), 'utf8'),
    notes: fs.readFileSync(path.join(repo, 'notes.txt'), 'utf8'),
    index: git(repo, 'ls-files', '-s'),
  };
}

/** Runs `body` and checks the user's checkout (HEAD, branch, index, working tree) is as it was. */
async function leavingUserCheckoutAlone(body: () => Promise<void>): Promise<void> {
  const before = userCheckout();
  await body();
  expect(userCheckout()).toEqual(before);
}

function expectCleanAt(ws: IntegrationWorkspace, sha: string): void {
  expect(git(ws.dir, 'rev-parse', 'HEAD')).toBe(sha);
  expect(git(ws.dir, 'symbolic-ref', 'HEAD')).toBe(`refs/heads/${ws.branch}`);
  expect(statusOf(ws.dir)).toBe('');
  expect(fs.existsSync(path.join(git(ws.dir, 'rev-parse', '--absolute-git-dir'), 'MERGE_HEAD'))).toBe(false);
}

beforeEach(() => {
  repo = makeRepo();
  base = git(repo, 'rev-parse', 'HEAD');
  dir = path.join(repo, '.runr', 'orchestrations', ORCH, 'integration');
});

describe('merging run branches into the integration branch', () => {
  it('merges branches touching different files with --no-ff merge commits', async () => {
    await leavingUserCheckoutAlone(async () => {
      const a = branchWith('runr/a', { 'a.txt': 'from a\n' });
      const b = branchWith('runr/b', { 'b.txt': 'from b\n' });
      const ws = await openIntegration(repo, ORCH, base, dir);
      expect(ws.branch).toBe(`runr/orch/${ORCH}`);
      expectCleanAt(ws, base);

      const first = await mergeInto(ws, 'runr/a', 'Merge task a');
      expect(first.kind).toBe('merged');
      const firstSha = (first as { sha: string }).sha;
      expect(parentsOf(firstSha)).toEqual([base, a]);

      const second = await mergeInto(ws, b, 'Merge task b');
      expect(second.kind).toBe('merged');
      const secondSha = (second as { sha: string }).sha;
      expect(parentsOf(secondSha)).toEqual([firstSha, b]);
      expect(git(repo, 'log', '-1', '--format=%s', secondSha)).toBe('Merge task b');
      expect(fileAt(secondSha, 'a.txt')).toBe('from a');
      expect(fileAt(secondSha, 'b.txt')).toBe('from b');
      expect(await integrationTip(ws)).toBe(secondSha);
      expect(git(repo, 'rev-parse', `refs/heads/runr/orch/${ORCH}`)).toBe(secondSha);
      expectCleanAt(ws, secondSha);
      expect(fs.readFileSync(path.join(ws.dir, 'b.txt'), 'utf8')).toBe('from b\n');
    });
  });

  it('makes nothing for a branch the integration branch already contains', async () => {
    await leavingUserCheckoutAlone(async () => {
      branchWith('runr/a', { 'a.txt': 'from a\n' });
      const ws = await openIntegration(repo, ORCH, base, dir);
      expect(await mergeInto(ws, base, 'Merge the base')).toEqual({ kind: 'up_to_date', sha: base });
      const merged = await mergeInto(ws, 'runr/a', 'Merge task a');
      const tip = await integrationTip(ws);
      expect(merged).toEqual({ kind: 'merged', sha: tip });
      expect(await mergeInto(ws, 'runr/a', 'Merge task a again')).toEqual({ kind: 'up_to_date', sha: tip });
      expect(git(repo, 'rev-list', '--count', tip)).toBe('3');
      expectCleanAt(ws, tip);
    });
  });

  it('keeps a conflicted merge as a commit with markers, leaves the worktree clean at the old tip, and numbers the refs', async () => {
    await leavingUserCheckoutAlone(async () => {
      branchWith('runr/x', { 'shared.txt': 'one\nTWO from x\nthree\n', 'x.txt': 'x\n' });
      const y = branchWith('runr/y', { 'shared.txt': 'one\nTWO from y\nthree\n', 'x.txt': 'y\n', 'y-only.txt': 'y\n' });
      branchWith('runr/z', { 'shared.txt': 'one\nTWO from z\nthree\n' });
      const ws = await openIntegration(repo, ORCH, base, dir);
      const tip = ((await mergeInto(ws, 'runr/x', 'Merge x')) as { sha: string }).sha;

      const outcome = await mergeInto(ws, 'runr/y', 'Merge y');
      expect(outcome.kind).toBe('conflict');
      const { files, conflictBase } = outcome as { files: string[]; conflictBase: string };
      expect(files).toEqual(['shared.txt', 'x.txt']);
      expectCleanAt(ws, tip);
      expect(fs.existsSync(path.join(ws.dir, 'y-only.txt'))).toBe(false);
      expect(fs.readFileSync(path.join(ws.dir, 'shared.txt'), 'utf8')).toBe('one\nTWO from x\nthree\n');

      expect(parentsOf(conflictBase)).toEqual([tip, y]);
      const marked = fileAt(conflictBase, 'shared.txt');
      expect(marked).toMatch(/^<<<<<<< /m);
      expect(marked).toMatch(/^>>>>>>> runr\/y$/m);
      expect(marked).toContain('TWO from x');
      expect(marked).toContain('TWO from y');
      expect(fileAt(conflictBase, 'y-only.txt')).toBe('y');
      expect(git(repo, 'rev-parse', `refs/runr/orch/${ORCH}/conflict-1`)).toBe(conflictBase);
      expect(await leftoverMarkers(repo, conflictBase, files)).toEqual(['shared.txt', 'x.txt']);
      expect(await integrationTip(ws)).toBe(tip);

      const again = await mergeInto(ws, 'runr/z', 'Merge z');
      expect(again.kind).toBe('conflict');
      const secondBase = (again as { conflictBase: string }).conflictBase;
      expect(secondBase).not.toBe(conflictBase);
      expect(git(repo, 'rev-parse', `refs/runr/orch/${ORCH}/conflict-2`)).toBe(secondBase);
      expect(git(repo, 'rev-parse', `refs/runr/orch/${ORCH}/conflict-1`)).toBe(conflictBase);
      expectCleanAt(ws, tip);
    });
  });

  it('records a resolution as a merge commit with the resolved tree and parents [tip, theirs]', async () => {
    await leavingUserCheckoutAlone(async () => {
      branchWith('runr/x', { 'shared.txt': 'one\nTWO from x\nthree\n' });
      const y = branchWith('runr/y', { 'shared.txt': 'one\nTWO from y\nthree\n', 'y-only.txt': 'y\n' });
      const ws = await openIntegration(repo, ORCH, base, dir);
      const tip = ((await mergeInto(ws, 'runr/x', 'Merge x')) as { sha: string }).sha;
      const { conflictBase, files } = (await mergeInto(ws, 'runr/y', 'Merge y')) as { conflictBase: string; files: string[] };

      // What a conflict-fix run would end with: a commit on top of the conflicted merge.
      const fixed = branchWith('runr/fix', { 'shared.txt': 'one\nTWO from x and y\nthree\n', 'fix-note.txt': 'fixed\n' }, conflictBase);
      expect(await leftoverMarkers(repo, fixed, files)).toEqual([]);

      const sha = await recordResolution(ws, fixed, 'runr/y', 'Merge y (conflict resolved)');
      expect(treeOf(sha)).toBe(treeOf(fixed));
      expect(parentsOf(sha)).toEqual([tip, y]);
      expect(git(repo, 'log', '-1', '--format=%s', sha)).toBe('Merge y (conflict resolved)');
      expect(await integrationTip(ws)).toBe(sha);
      expectCleanAt(ws, sha);
      expect(fs.readFileSync(path.join(ws.dir, 'shared.txt'), 'utf8')).toBe('one\nTWO from x and y\nthree\n');
      expect(fs.readFileSync(path.join(ws.dir, 'fix-note.txt'), 'utf8')).toBe('fixed\n');
      expect(await mergeInto(ws, 'runr/y', 'Merge y again')).toEqual({ kind: 'up_to_date', sha });
    });
  });
});

describe('leftover conflict markers', () => {
  it('names only the files that still hold a marker line', async () => {
    const sha = branchWith('runr/m', {
      'still.txt': 'a\n<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n',
      'half.txt': 'a\n>>>>>>> runr/x\n',
      'clean.txt': 'a\nnot <<<<<<< at the start\n=======\n',
    });
    expect(await leftoverMarkers(repo, sha, ['clean.txt', 'half.txt', 'still.txt', 'deleted.txt'])).toEqual(['half.txt', 'still.txt']);
  });
});

describe('opening and closing the integration workspace', () => {
  it('reuses the branch and worktree when opened again, and repairs a missing or half-made worktree', async () => {
    await leavingUserCheckoutAlone(async () => {
      branchWith('runr/a', { 'a.txt': 'from a\n' });
      const ws = await openIntegration(repo, ORCH, base, dir);
      const tip = ((await mergeInto(ws, 'runr/a', 'Merge a')) as { sha: string }).sha;

      // Opened again with the base (as after a crash): the branch keeps its merges.
      const again = await openIntegration(repo, ORCH, base, dir);
      expect(again).toEqual(ws);
      expectCleanAt(again, tip);

      // A crash mid-merge left the worktree dirty.
      write(dir, 'a.txt', 'half-written\n');
      write(dir, 'stray.txt', 'stray\n');
      expectCleanAt(await openIntegration(repo, ORCH, base, dir), tip);
      expect(fs.existsSync(path.join(dir, 'stray.txt'))).toBe(false);

      fs.rmSync(dir, { recursive: true, force: true });
      expectCleanAt(await openIntegration(repo, ORCH, base, dir), tip);

      fs.rmSync(dir, { recursive: true, force: true });
      write(dir, 'junk.txt', 'a worktree add that never finished\n');
      const repaired = await openIntegration(repo, ORCH, base, dir);
      expectCleanAt(repaired, tip);
      expect(fs.existsSync(path.join(dir, 'junk.txt'))).toBe(false);
      expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('from a\n');
    });
  });

  it('recognises its worktree when the directory is named through a symlink', async () => {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(path.dirname(dir), link);
    const through = path.join(link, path.basename(dir));
    const ws = await openIntegration(repo, ORCH, base, through);
    expect(ws.dir).toBe(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    expectCleanAt(await openIntegration(repo, ORCH, base, through), base);
  });

  it('removes the worktree but keeps the branch, and is safe when the worktree is already gone', async () => {
    await leavingUserCheckoutAlone(async () => {
      branchWith('runr/a', { 'a.txt': 'from a\n' });
      const ws = await openIntegration(repo, ORCH, base, dir);
      const tip = ((await mergeInto(ws, 'runr/a', 'Merge a')) as { sha: string }).sha;
      await closeIntegration(ws);
      expect(fs.existsSync(dir)).toBe(false);
      expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(dir);
      expect(git(repo, 'rev-parse', `refs/heads/${ws.branch}`)).toBe(tip);
      await closeIntegration(ws);

      expectCleanAt(await openIntegration(repo, ORCH, base, dir), tip);
      fs.rmSync(dir, { recursive: true, force: true });
      await closeIntegration(ws);
      expect(fs.existsSync(dir)).toBe(false);
    });
  });

  it('refuses a worktree directory that would hold the repository', async () => {
    await expect(openIntegration(repo, ORCH, base, path.dirname(repo))).rejects.toThrow(/would contain the repository/);
    expect(fs.existsSync(path.join(repo, '.git'))).toBe(true);
  });
});

describe("the user's git setup does not reach runr's merges", () => {
  it('runs no hooks, does not sign, replays no recorded resolution and appends no shortlog', async () => {
    branchWith('runr/x', { 'shared.txt': 'one\nTWO from x\nthree\n' });
    branchWith('runr/y', { 'shared.txt': 'one\nTWO from y\nthree\n' });
    branchWith('runr/a', { 'a.txt': 'from a\n' });
    const ws = await openIntegration(repo, ORCH, base, dir);
    const tip = ((await mergeInto(ws, 'runr/x', 'Merge x')) as { sha: string }).sha;

    // The user once resolved this very conflict with rerere on: git would replay that resolution.
    git(repo, 'config', 'rerere.enabled', 'true');
    git(repo, 'config', 'rerere.autoUpdate', 'true');
    const training = path.join(tempDir(), 'training');
    git(repo, 'worktree', 'add', '-q', '--detach', training, tip);
    expect(() => git(training, 'merge', '-q', 'runr/y')).toThrow();
    write(training, 'shared.txt', 'one\nTWO resolved by the user\nthree\n');
    git(training, 'add', '-A');
    git(training, 'commit', '-q', '--no-edit');
    git(repo, 'worktree', 'remove', '--force', training);
    expect(fs.readdirSync(path.join(repo, '.git', 'rr-cache')).length).toBeGreaterThan(0);

    const fix = branchWith('runr/fix', { 'shared.txt': 'fixed\n' }, tip);

    const ran = path.join(tempDir(), 'hook-ran');
    for (const hook of ['pre-merge-commit', 'commit-msg', 'prepare-commit-msg', 'post-merge', 'post-checkout']) {
      write(repo, `.git/hooks/${hook}`, `#!/bin/sh\necho ${hook} >> ${ran}\nexit 1\n`);
      fs.chmodSync(path.join(repo, '.git', 'hooks', hook), 0o755);
    }
    git(repo, 'config', 'commit.gpgSign', 'true');
    git(repo, 'config', 'gpg.program', 'false');
    git(repo, 'config', 'merge.log', 'true');

    const merged = await mergeInto(ws, 'runr/a', 'Merge a');
    expect(merged.kind).toBe('merged');
    const mergedSha = (merged as { sha: string }).sha;
    expect(git(repo, 'log', '-1', '--format=%B', mergedSha).trim()).toBe('Merge a');
    expect(git(repo, 'log', '-1', '--format=%G?', mergedSha)).toBe('N');

    const conflict = await mergeInto(ws, 'runr/y', 'Merge y');
    expect(conflict.kind).toBe('conflict');
    expect(fileAt((conflict as { conflictBase: string }).conflictBase, 'shared.txt')).toMatch(/^<<<<<<< /m);
    const resolved = await recordResolution(ws, fix, 'runr/y', 'Merge y (resolved)');
    expect(git(repo, 'log', '-1', '--format=%G?', resolved)).toBe('N');
    await closeIntegration(ws);
    await openIntegration(repo, ORCH, base, dir);
    expect(fs.existsSync(ran)).toBe(false);
  });
});

describe('verifying the integration branch', () => {
  it("runs the config's verification tiers in the integration worktree", async () => {
    branchWith('runr/bad', { 'check.js': "console.error('integration is broken'); process.exit(3)\n" });
    const logDir = path.join(tempDir(), 'logs');
    const config = ConfigSchema.parse({ verification: { tier2: ['node check.js'] } });
    const ws = await openIntegration(repo, ORCH, base, dir);
    expect(await verifyIntegration(ws, config, logDir)).toEqual({ ok: true });

    await mergeInto(ws, 'runr/bad', 'Merge bad');
    const failed = await verifyIntegration(ws, config, logDir);
    expect(failed).toMatchObject({ ok: false, command: 'node check.js', log_path: path.join(logDir, 'verify-integration.log') });
    expect((failed as { excerpt: string }).excerpt).toContain('integration is broken');
  });
});
