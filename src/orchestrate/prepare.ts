import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CollisionPolicy, OrchState } from '../contracts/orchestration.js';
import { RunrError, usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { readConfig } from '../engine/start-run.js';
import { excludeRunrDir, headSha } from '../git/repo.js';
import { acquireLease, liveness } from '../store/lease.js';
import { defaultConfigPath, orchestrationsDir } from '../store/paths.js';
import { allocateRunDir } from '../store/run-id.js';
import { loadTracks } from './tracks-file.js';
import { listOrchIds, resolveOrch } from './locate.js';
import { OrchStore, readOrchState } from './orch-store.js';
import { STOP_REASONS } from '../contracts/stop-reasons.js';

/** Default --max-parallel: two tasks at once suit a 2-core machine and stay under most worker plans' rate limits. */
export const DEFAULT_MAX_PARALLEL = 2;
/** Resumable stops of one task resumed without a person (as `runr watch --auto-resume`'s default). */
export const DEFAULT_MAX_AUTO_RESUMES = 3;

export interface OrchestrationStartOptions {
  repoRoot: string;
  /** The tracks file (SPEC §9). */
  tracksFile: string;
  /** The runr config the tasks' runs use; default `<repo>/.runr/runr.config.json`. */
  configPath?: string;
  maxParallel?: number;
  collisionPolicy?: CollisionPolicy;
  fast?: boolean;
  fixConflicts?: boolean;
  /** Start a new orchestration even if one of this tracks file is under way. */
  forceNew?: boolean;
}

/** An orchestration whose lease this process holds, ready to execute. */
export interface PreparedOrchestration {
  store: OrchStore;
  leaseToken: string;
}

export type OrchestrationStart = { kind: 'started'; prepared: PreparedOrchestration } | { kind: 'active'; orchId: string; orchDir: string };

/**
 * Checks the tracks file and the config, then (unless an orchestration of the same tracks file is under way
 * and `forceNew` is not set) allocates the orchestration, takes its lease and journals `orch_started`.
 */
export async function prepareOrchestration(opts: OrchestrationStartOptions): Promise<OrchestrationStart> {
  const tracksFile = path.resolve(opts.tracksFile);
  const plan = loadTracks(tracksFile, opts.repoRoot);
  const configPath = path.resolve(opts.configPath ?? defaultConfigPath(opts.repoRoot));
  readConfig(configPath);
  if (!opts.forceNew) {
    const active = activeOrchestrationOf(opts.repoRoot, tracksFile);
    if (active) return { kind: 'active', ...active };
  }
  const base = await headSha(opts.repoRoot);
  if (!base) throw usageError('no_commits', `${opts.repoRoot} has no commits yet: commit something first (the tasks' branches start from HEAD)`);
  await excludeRunrDir(opts.repoRoot);
  const { runId: orchId, runDir: orchDir } = await allocateRunDir(orchestrationsDir(opts.repoRoot), { alwaysSuffix: process.env.RUNR_ID_SUFFIX === 'always' });
  const lease = acquireLease(orchDir);
  if (!lease.ok) throw new RunrError('locked', `orchestration ${orchId} is locked by pid ${lease.holder.pid}`, EXIT.locked);
  const text = fs.readFileSync(tracksFile, 'utf8');
  fs.writeFileSync(path.join(orchDir, 'tracks.yaml'), text);
  const store = OrchStore.open(orchDir);
  store.append({
    type: 'orch_started', ts: new Date().toISOString(), orch_id: orchId, repo_root: opts.repoRoot, tracks_file: tracksFile,
    tracks_sha256: crypto.createHash('sha256').update(text).digest('hex'), config_path: configPath, base_sha: base,
    options: {
      max_parallel: opts.maxParallel ?? DEFAULT_MAX_PARALLEL, collision_policy: opts.collisionPolicy ?? 'serialize',
      fast: opts.fast ?? false, fix_conflicts: opts.fixConflicts ?? true, max_auto_resumes: DEFAULT_MAX_AUTO_RESUMES,
    },
    tracks: plan.tracks, tasks: plan.tasks,
  });
  return { kind: 'started', prepared: { store, leaseToken: lease.lease.token } };
}

/** An orchestration of this tracks file that is not over. One nobody executes any more is refused: resume it, or start anew. */
function activeOrchestrationOf(repoRoot: string, tracksFile: string): { orchId: string; orchDir: string } | null {
  for (const orchId of listOrchIds(repoRoot)) {
    const { orchDir } = resolveOrch(repoRoot, orchId);
    let state: OrchState | null;
    try {
      state = readOrchState(orchDir);
    } catch {
      continue;
    }
    if (!state || state.tracks_file !== tracksFile || state.status !== 'running') continue;
    if (liveness(orchDir).alive) return { orchId, orchDir };
    throw usageError('orchestration_unfinished', `orchestration ${orchId} of ${tracksFile} is unfinished and nobody executes it: continue it with runr orchestrate resume ${orchId}, or start a new one with --new`);
  }
  return null;
}

/**
 * Takes an orchestration's lease to go on with it: every task that stopped or was skipped is reopened (a
 * resumable stop is resumed, any other starts again with a new run, after the person fixed its cause);
 * completed tasks stay. Refuses one that is complete (exit 5) or executed by a live process (exit 4).
 */
export function prepareOrchestrationResume(repoRoot: string, idOrLatest: string): PreparedOrchestration {
  const { orchId, orchDir } = resolveOrch(repoRoot, idOrLatest);
  const state = readOrchState(orchDir);
  if (!state) throw new RunrError('orchestration_not_found', `Orchestration ${orchId} has no journal`, EXIT.notFound);
  if (state.status === 'complete') throw new RunrError('not_resumable', `orchestration ${orchId} is complete: nothing to resume (runr orchestrate report ${orchId})`, EXIT.notResumable);
  const lease = acquireLease(orchDir);
  if (!lease.ok) throw new RunrError('locked', `orchestration ${orchId} is being executed by pid ${lease.holder.pid} (runr orchestrate wait ${orchId})`, EXIT.locked);
  const store = OrchStore.open(orchDir);
  store.append({ type: 'orch_resumed', ts: new Date().toISOString(), pid: process.pid });
  for (const t of store.state.tasks) {
    if (t.status !== 'stopped' && t.status !== 'skipped') continue;
    const resumable = t.status === 'stopped' && t.run_id !== null && t.stop_reason !== null && STOP_REASONS[t.stop_reason].resumable;
    store.append({ type: 'task_reopened', ts: new Date().toISOString(), key: t.key, fresh: !resumable });
  }
  return { store, leaseToken: lease.lease.token };
}
