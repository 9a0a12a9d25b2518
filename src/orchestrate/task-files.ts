import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { PlannedTask } from './planned-task.js';
import { parseTask } from '../task/parse.js';
import { ORCH_FILES } from '../store/paths.js';
import { writeTextAtomic, writeJsonAtomic } from '../store/atomic.js';

const fileNameOf = (key: string) => key.replace('/', '--');

/** Where a task's file, as its run gets it, is kept: one per task key, so a run can always be traced back to its task. */
export const derivedTaskPath = (orchDir: string, key: string) => path.join(orchDir, ORCH_FILES.tasks, `${fileNameOf(key)}.md`);

/**
 * The task file a task's run starts from: the operator's file with the tracks file's overrides (fast, worker,
 * allowlist_add) merged into its front matter. Dependencies are the orchestrator's, not the run's, and are left out.
 */
export function writeDerivedTask(orchDir: string, task: PlannedTask, fastAll: boolean): string {
  const parsed = parseTask(fs.readFileSync(task.file, 'utf8'), task.file);
  const fm: Record<string, unknown> = {};
  if (task.allowlist_add.length) fm.allowlist_add = task.allowlist_add;
  if (task.worker) fm.worker = task.worker;
  if (fastAll || task.fast) fm.fast = true;
  const file = derivedTaskPath(orchDir, task.key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const header = Object.keys(fm).length ? `---\n${YAML.stringify(fm)}---\n` : '';
  writeTextAtomic(file, `${header}${parsed.body}`);
  return file;
}

/**
 * A config for one task: the orchestration's config file as written (so nothing it leaves to defaults is
 * spelled out), with `change` applied to its JSON (the tracks file's verification tiers, a fix run's scope).
 */
export function writeDerivedConfig(orchDir: string, name: string, configPath: string, change: (raw: RawConfig) => RawConfig): string {
  const raw = JSON.parse(fs.readFileSync(configPath, 'utf8')) as RawConfig;
  const file = path.join(orchDir, ORCH_FILES.configs, `${fileNameOf(name)}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeJsonAtomic(file, change(raw));
  return file;
}

export type RawConfig = Record<string, unknown> & { verification?: Record<string, unknown>; scope?: Record<string, unknown> };

/** The tracks file's verification tiers for a task, over the config's (tiers it does not name stay as they are). */
export function withVerification(tiers: NonNullable<PlannedTask['verification']>) {
  return (raw: RawConfig): RawConfig => ({ ...raw, verification: { ...(raw.verification ?? {}), ...tiers } });
}
