import path from 'node:path';
import { createDemo as createDemoProject, planInit as planInitOf, writeInit, type InitPlan } from '../config/write-init.js';
import { resolveRepo } from './locate.js';

export type { InitPlan } from '../config/write-init.js';

/** What `runr init` would write for the repository `repo` lies in (`runr init --print`): the config, what it detected, example tasks. */
export async function planInit(repo: string): Promise<InitPlan> {
  return planInitOf(await resolveRepo(repo));
}

/**
 * Writes the config and the example tasks `planInit` describes (`runr init`), returning the plan and the files
 * written; an existing config is `config_exists` unless `force`.
 */
export async function initRepo(repo: string, opts: { force?: boolean } = {}): Promise<{ plan: InitPlan; written: string[] }> {
  const repoRoot = await resolveRepo(repo);
  const plan = await planInitOf(repoRoot);
  return { plan, written: await writeInit(repoRoot, plan, opts.force ?? false) };
}

/** Creates the offline demo project (a git repository with a scripted agent) in `dir`, which must be empty or absent (`runr init --demo`). */
export async function createDemo(dir: string): Promise<{ dir: string; taskPath: string }> {
  const full = path.resolve(dir);
  return { dir: full, ...(await createDemoProject(full)) };
}
