import { execa } from 'execa';
import fs from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { Config } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/outputs.js';
import { findRepoRoot } from '../git/find-root.js';

const MIN_NODE = 20;

export function checkNode(): DoctorCheck {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= MIN_NODE
    ? { name: 'node', status: 'ok', detail: `Node.js ${process.versions.node}` }
    : { name: 'node', status: 'fail', detail: `Node.js ${process.versions.node} is too old`, fix: `Install Node.js ${MIN_NODE} or newer` };
}

export async function checkGit(): Promise<DoctorCheck> {
  const out = await execa('git', ['--version'], { reject: false, timeout: 10_000 });
  if (out.exitCode !== 0) {
    return { name: 'git', status: 'fail', detail: 'git is not installed (or not on PATH)', fix: 'Install git 2.25 or newer' };
  }
  return { name: 'git', status: 'ok', detail: out.stdout.trim() };
}

export async function checkRepo(dir: string): Promise<{ check: DoctorCheck; root: string | null }> {
  const root = findRepoRoot(dir);
  if (!root) {
    return { root, check: { name: 'repository', status: 'fail', detail: `${dir} is not inside a git repository`, fix: 'Run "git init" (and commit something), or pass --repo <path>' } };
  }
  const head = await execa('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd: root, reject: false });
  if (head.exitCode !== 0) {
    return { root, check: { name: 'repository', status: 'warn', detail: `${root} has no commits yet`, fix: 'Commit something first: runr works on a branch from HEAD' } };
  }
  return { root, check: { name: 'repository', status: 'ok', detail: root } };
}

export function checkConfig(configPath: string): { check: DoctorCheck; config: Config | null } {
  if (!fs.existsSync(configPath)) {
    return { config: null, check: { name: 'config', status: 'fail', detail: `no config at ${configPath}`, fix: 'Run "runr init" (or pass --config <path>)' } };
  }
  try {
    return { config: loadConfig(configPath), check: { name: 'config', status: 'ok', detail: `${configPath} is valid` } };
  } catch (err) {
    return { config: null, check: { name: 'config', status: 'fail', detail: (err as Error).message, fix: `Fix ${configPath}; docs/config.md describes every field` } };
  }
}
