import fs from 'node:fs';
import { RUN_ID_PATTERN, runDirOf, runsDir } from './paths.js';

/** Run ids in the repository, newest first. */
export function listRunIds(repoRoot: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir(repoRoot));
  } catch {
    return [];
  }
  return names.filter((n) => RUN_ID_PATTERN.test(n)).sort().reverse();
}

export type ResolvedRun = { ok: true; runId: string; runDir: string } | { ok: false; message: string };

/** Resolves a run id or `latest` to an existing run directory. */
export function resolveRun(repoRoot: string, idOrLatest: string): ResolvedRun {
  if (idOrLatest === 'latest') {
    const newest = listRunIds(repoRoot)[0];
    if (!newest) return { ok: false, message: `Run not found: there are no runs in ${repoRoot}` };
    return { ok: true, runId: newest, runDir: runDirOf(repoRoot, newest) };
  }
  if (!RUN_ID_PATTERN.test(idOrLatest)) {
    return { ok: false, message: `Run not found: "${idOrLatest}" is not a run id (expected YYYYMMDDHHMMSS, YYYYMMDDHHMMSS-<suffix> or "latest")` };
  }
  const runDir = runDirOf(repoRoot, idOrLatest);
  if (!fs.existsSync(runDir)) return { ok: false, message: `Run not found: ${idOrLatest} (runr status --all lists runs)` };
  return { ok: true, runId: idOrLatest, runDir };
}
