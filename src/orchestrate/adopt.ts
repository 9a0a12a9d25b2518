import fs from 'node:fs';
import path from 'node:path';
import { journalPath, runDirOf } from '../store/paths.js';
import { listRunIds } from '../store/list-runs.js';
import { plainRunId } from '../store/run-id.js';

/**
 * A run started from `taskFile` since the orchestration began that no task has claimed: the orchestrator
 * died between starting it and journaling it. Read from each run's first journal line only.
 */
export function adoptableRun(repoRoot: string, taskFile: string, orchStartedAt: string, claimed: string[]): string | null {
  const since = plainRunId(Date.parse(orchStartedAt));
  const wanted = new Set([taskFile, path.relative(repoRoot, taskFile)]);
  for (const runId of listRunIds(repoRoot)) {
    if (runId < since) break;
    if (claimed.includes(runId)) continue;
    try {
      const first = fs.readFileSync(journalPath(runDirOf(repoRoot, runId)), 'utf8').split('\n', 1)[0]!;
      const started = JSON.parse(first) as { type?: string; run?: { task_file?: string } };
      if (started.type === 'run_started' && started.run?.task_file && wanted.has(started.run.task_file)) return runId;
    } catch {
      /* a run directory without a readable journal is nobody's */
    }
  }
  return null;
}
