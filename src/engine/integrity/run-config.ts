import type { RunInit } from '../../contracts/state.js';
import { gitExec } from '../../git/git.js';
import { configRefOf } from '../../git/run-branch.js';

/**
 * A run's configuration, fixed when it starts: the `run_started` record is also stored as a git
 * object under refs/runr/config/<run_id>. Objects cannot be edited, so a journal rewritten later
 * (by a worker with the user's rights) no longer matches it, and resume refuses.
 */
export async function recordRunConfig(repoRoot: string, run: RunInit): Promise<void> {
  const blob = (await gitExec(repoRoot, ['hash-object', '-w', '--stdin'], { input: JSON.stringify(run) })).stdout.trim();
  await gitExec(repoRoot, ['update-ref', configRefOf(run.run_id), blob]);
}

/** The recorded run init, or null for a run started before runr recorded it. */
export async function readRunConfig(repoRoot: string, runId: string): Promise<RunInit | null> {
  const r = await gitExec(repoRoot, ['cat-file', 'blob', configRefOf(runId)], { reject: false });
  if (r.exitCode !== 0) return null;
  try {
    return JSON.parse(r.stdout) as RunInit;
  } catch {
    return null;
  }
}

/** The settings of `journaled` that differ from `recorded`, by JSON path (`config.scope.allowlist`, …). */
export function differences(recorded: unknown, journaled: unknown, at = ''): string[] {
  if (JSON.stringify(recorded) === JSON.stringify(journaled)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(recorded) || !isObject(journaled)) return [at || '(the whole record)'];
  const keys = new Set([...Object.keys(recorded), ...Object.keys(journaled)]);
  return [...keys].flatMap((k) => differences(recorded[k], journaled[k], at ? `${at}.${k}` : k));
}

/** What `resume --force` reads again from the config file; everything else stays as the run started. */
export const RELOADABLE_CONFIG_KEYS = ['workers', 'limits', 'approvals', 'agent', '$schema'] as const;
/** Run options a resume may override by flags (--time, --max-ticks, --budget-usd). */
const OVERRIDABLE_OPTIONS = ['time_budget_min', 'max_ticks', 'budget_usd'] as const;

function omit<T extends Record<string, unknown>>(value: T, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

/** The part of a run's init that no resume may change: scope, verification, sandbox, options, task, branch, paths. */
export function fixedPart(init: RunInit): Record<string, unknown> {
  return {
    ...init,
    config: omit(init.config as Record<string, unknown>, RELOADABLE_CONFIG_KEYS),
    options: omit(init.options as Record<string, unknown>, OVERRIDABLE_OPTIONS),
  };
}
