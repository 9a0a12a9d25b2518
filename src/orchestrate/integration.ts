import fs from 'node:fs';
import path from 'node:path';
import { gitExec } from '../git/git.js';
import { commitTreeWith, filesWithMarkers, keepUnderNextRef, mergeNoFf, resetToTip, treeOfWorkingFiles } from '../git/merge.js';
import { isAncestor } from '../git/refs.js';
import { commitOf, createWorktree } from '../git/repo.js';
import type { Config } from '../contracts/config.js';
import { runVerification } from '../verify/run-tiers.js';
import type { SandboxSpec } from '../workers/sandbox/confine.js';

/** The integration branch of an orchestration and the worktree (runr's own) where it is checked out. */
export interface IntegrationWorkspace {
  repoRoot: string;
  orchId: string;
  branch: string;
  dir: string;
}

export const integrationBranchOf = (orchId: string) => `runr/orch/${orchId}`;
export const conflictRefPrefixOf = (orchId: string) => `refs/runr/orch/${orchId}/conflict-`;

export type MergeOutcome =
  | { kind: 'merged'; sha: string }
  | { kind: 'up_to_date'; sha: string }
  | { kind: 'conflict'; files: string[]; conflictBase: string };

/**
 * Creates branch `runr/orch/<orchId>` at `baseSha` unless it exists (then keeps it), and a worktree at
 * `dir` on it unless one is there. Idempotent: after a crash it reuses both, re-creates a worktree whose
 * directory is missing or half-made, and leaves the worktree clean at the branch's tip.
 */
export async function openIntegration(repoRoot: string, orchId: string, baseSha: string, dir: string): Promise<IntegrationWorkspace> {
  refuseDirHoldingRepo(repoRoot, dir);
  // git registers worktrees by real path: a path through a symlink would not be recognised when re-added.
  fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  const realDir = path.join(fs.realpathSync.native(path.dirname(path.resolve(dir))), path.basename(path.resolve(dir)));
  const ws: IntegrationWorkspace = { repoRoot, orchId, branch: integrationBranchOf(orchId), dir: realDir };
  const ref = `refs/heads/${ws.branch}`;
  const made = await gitExec(repoRoot, ['update-ref', '-m', 'runr: orchestration started', ref, baseSha, ''], { reject: false });
  if (made.exitCode !== 0 && !(await commitOf(repoRoot, ref))) {
    throw new Error(`could not create the integration branch ${ws.branch}: ${made.stderr.trim()}`);
  }
  if (!(await isWorktreeOf(repoRoot, ws.dir))) {
    fs.rmSync(ws.dir, { recursive: true, force: true });
    await createWorktree(repoRoot, ws.dir, ws.branch, baseSha);
  }
  const head = await gitExec(ws.dir, ['symbolic-ref', '-q', 'HEAD'], { reject: false });
  if (head.stdout.trim() !== ref) await gitExec(ws.dir, ['checkout', '-q', '-f', ws.branch]);
  await resetToTip(ws.dir);
  return ws;
}

/** The worktree directory is removed when broken: never one that holds the repository itself. */
function refuseDirHoldingRepo(repoRoot: string, dir: string): void {
  if (!path.relative(path.resolve(dir), path.resolve(repoRoot)).startsWith('..')) {
    throw new Error(`the integration worktree ${dir} would contain the repository ${repoRoot}`);
  }
}

/** Whether `dir` is the top of a working tree of `repoRoot`'s repository (not a broken one git resolves to a parent). */
async function isWorktreeOf(repoRoot: string, dir: string): Promise<boolean> {
  if (!fs.existsSync(path.join(dir, '.git'))) return false;
  const [mine, repos] = await Promise.all([
    gitExec(dir, ['rev-parse', '--show-toplevel', '--git-common-dir'], { reject: false }),
    gitExec(repoRoot, ['rev-parse', '--git-common-dir']),
  ]);
  if (mine.exitCode !== 0) return false;
  const [top = '', common = ''] = mine.stdout.trim().split('\n');
  return samePath(top, dir) && samePath(path.resolve(dir, common), path.resolve(repoRoot, repos.stdout.trim()));
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync.native(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/** The tip sha of the integration branch. */
export async function integrationTip(ws: IntegrationWorkspace): Promise<string> {
  const sha = await commitOf(ws.repoRoot, `refs/heads/${ws.branch}`);
  if (!sha) throw new Error(`the integration branch ${ws.branch} does not exist`);
  return sha;
}

/**
 * Merges `theirs` (a branch name or sha) into the integration branch with a --no-ff merge commit. On a
 * conflict the worktree is left clean at the previous tip, and the conflicted merge (markers included,
 * parents [tip, theirs]) is kept as a commit under `refs/runr/orch/<orchId>/conflict-<n>`.
 */
export async function mergeInto(ws: IntegrationWorkspace, theirs: string, message: string): Promise<MergeOutcome> {
  const theirsSha = await commitOf(ws.dir, theirs);
  if (!theirsSha) throw new Error(`cannot merge ${theirs}: it names no commit`);
  await resetToTip(ws.dir);
  const tip = await integrationTip(ws);
  if (await isAncestor(ws.dir, theirsSha, tip)) return { kind: 'up_to_date', sha: tip };
  const merge = await mergeNoFf(ws.dir, theirs, message);
  if (merge.ok) return { kind: 'merged', sha: await integrationTip(ws) };
  try {
    if (merge.conflicted.length === 0) throw new Error(`git could not merge ${theirs}: ${merge.stderr.trim().split('\n').slice(-2).join(' ')}`);
    const tree = await treeOfWorkingFiles(ws.dir);
    const note = `Unresolved merge of ${theirs}: conflict markers in\n${merge.conflicted.map((f) => `  ${f}`).join('\n')}`;
    const conflictBase = await commitTreeWith(ws.dir, tree, [tip, theirsSha], `${message}\n\n${note}\n`);
    await keepUnderNextRef(ws.repoRoot, conflictRefPrefixOf(ws.orchId), conflictBase);
    return { kind: 'conflict', files: merge.conflicted, conflictBase };
  } finally {
    await resetToTip(ws.dir);
  }
}

/** The files of `files` that still hold conflict markers (<<<<<<< / >>>>>>> lines) in commit `sha`. */
export async function leftoverMarkers(repoRoot: string, sha: string, files: string[]): Promise<string[]> {
  return filesWithMarkers(repoRoot, sha, files);
}

/**
 * Records a resolved merge: a commit with `resolvedSha`'s tree and parents [tip, theirs]. The branch
 * advances to it (only from the tip read here) and the worktree is checked out on it, clean.
 */
export async function recordResolution(ws: IntegrationWorkspace, resolvedSha: string, theirs: string, message: string): Promise<string> {
  const theirsSha = await commitOf(ws.dir, theirs);
  const resolved = await commitOf(ws.dir, resolvedSha);
  if (!theirsSha || !resolved) throw new Error(`cannot record the resolution: ${!theirsSha ? theirs : resolvedSha} names no commit`);
  const tip = await integrationTip(ws);
  const tree = (await gitExec(ws.dir, ['rev-parse', `${resolved}^{tree}`])).stdout.trim();
  const sha = await commitTreeWith(ws.dir, tree, [tip, theirsSha], message);
  await gitExec(ws.repoRoot, ['update-ref', '-m', 'runr: conflict resolved', `refs/heads/${ws.branch}`, sha, tip]);
  await resetToTip(ws.dir);
  return sha;
}

/** Removes the worktree (the branch stays); safe when it is already gone. */
export async function closeIntegration(ws: IntegrationWorkspace): Promise<void> {
  refuseDirHoldingRepo(ws.repoRoot, ws.dir);
  if (await isWorktreeOf(ws.repoRoot, ws.dir)) await gitExec(ws.repoRoot, ['worktree', 'remove', '--force', ws.dir]);
  fs.rmSync(ws.dir, { recursive: true, force: true });
}

export type IntegrationVerification =
  | { ok: true }
  | { ok: false; command: string; excerpt: string; log_path: string };

export interface VerifyIntegrationOptions {
  /** Confine the commands (they run the workers' code); absent: they run unconfined, for the reason in `unconfined`. */
  sandbox?: SandboxSpec;
  unconfined?: string;
  /** Marks the commands and what they start, so that leftovers can be found (util/process-tree). */
  tag?: string;
  deadlineMs?: number;
}

/** Runs the verification tiers of `config` in the integration worktree (log: `<logDir>/verify-integration.log`). */
export async function verifyIntegration(
  ws: IntegrationWorkspace, config: Config, logDir: string, signal?: AbortSignal, opts: VerifyIntegrationOptions = {},
): Promise<IntegrationVerification> {
  fs.mkdirSync(logDir, { recursive: true });
  const logPath = path.join(logDir, 'verify-integration.log');
  const result = await runVerification(config.verification, {
    workDir: ws.dir,
    logPath,
    timeoutMs: config.limits.verify_timeout_s * 1000,
    deadlineMs: opts.deadlineMs ?? 0,
    env: { ...process.env, RUNR_ORCHESTRATION_ID: ws.orchId },
    tag: opts.tag,
    signal,
    ...(opts.sandbox ? { sandbox: opts.sandbox } : { unconfined: opts.unconfined ?? 'the integration was verified without a sandbox' }),
  });
  if (result.ok) return { ok: true };
  if (!result.failure) return { ok: false, command: '', excerpt: 'the time budget ran out during verification', log_path: logPath };
  return { ok: false, command: result.failure.command, excerpt: result.failure.excerpt, log_path: logPath };
}
