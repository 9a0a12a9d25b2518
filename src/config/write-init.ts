import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../contracts/config.js';
import { usageError } from '../contracts/errors.js';
import { commitEnv, raw } from '../git/git.js';
import { excludeRunrDir } from '../git/repo.js';
import { defaultConfigPath, runrDir } from '../store/paths.js';
import { detectProject, type Detection } from './detect.js';
import { keepInstalledTiers } from './installed-tiers.js';
import { buildInitConfig, demoTemplatePaths, exampleTasks } from './init-files.js';

export interface InitPlan {
  configPath: string;
  config: Config;
  detection: Detection;
  tasks: { file: string; content: string }[];
}

export async function planInit(repoRoot: string): Promise<InitPlan> {
  const detection = keepInstalledTiers(await detectProject(repoRoot), process.env, repoRoot);
  return {
    configPath: defaultConfigPath(repoRoot),
    config: buildInitConfig(detection, path.basename(repoRoot)),
    detection,
    tasks: exampleTasks(),
  };
}

/** Writes the config and example tasks; refuses to overwrite an existing config without `force`. */
export async function writeInit(repoRoot: string, plan: InitPlan, force: boolean): Promise<string[]> {
  if (fs.existsSync(plan.configPath) && !force) {
    throw usageError('config_exists', `${plan.configPath} already exists: pass --force to overwrite it (or --print to see what would be written)`);
  }
  const tasksDir = path.join(runrDir(repoRoot), 'tasks');
  fs.mkdirSync(tasksDir, { recursive: true });
  fs.writeFileSync(plan.configPath, `${JSON.stringify(plan.config, null, 2)}\n`);
  const written = [plan.configPath];
  for (const t of plan.tasks) {
    const file = path.join(tasksDir, t.file);
    if (!fs.existsSync(file) || force) {
      fs.writeFileSync(file, t.content);
      written.push(file);
    }
  }
  await excludeRunrDir(repoRoot);
  return written;
}

/**
 * The offline demo: a tiny project, its runr config (a scripted agent as `command` worker) and a
 * task, committed as the first commit of a new git repository.
 */
export async function createDemo(dir: string): Promise<{ taskPath: string }> {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw usageError('demo_dir_not_empty', `${dir} is not empty: the demo needs an empty or new directory (pass --repo <new dir>)`);
  }
  const src = demoTemplatePaths();
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(src.projectDir, dir, { recursive: true });
  await raw(dir, ['init', '-q']);
  await raw(dir, ['checkout', '-q', '-b', 'main']);
  await raw(dir, ['add', '-A']);
  await raw(dir, ['commit', '-q', '-m', 'Demo project for runr'], await commitEnv(dir));
  const tasksDir = path.join(runrDir(dir), 'tasks');
  fs.mkdirSync(tasksDir, { recursive: true });
  fs.copyFileSync(src.configFile, defaultConfigPath(dir));
  const taskPath = path.join(tasksDir, 'demo.md');
  fs.copyFileSync(src.taskFile, taskPath);
  await excludeRunrDir(dir);
  return { taskPath };
}
