import fs from 'node:fs';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { orchDirOf, orchestrationsDir, RUN_ID_PATTERN } from '../store/paths.js';

/** Orchestration ids of the repository, newest first (they have the form of run ids). */
export function listOrchIds(repoRoot: string): string[] {
  try {
    return fs.readdirSync(orchestrationsDir(repoRoot)).filter((n) => RUN_ID_PATTERN.test(n)).sort().reverse();
  } catch {
    return [];
  }
}

/** An orchestration by id or `latest`; an unknown one is `orchestration_not_found` (exit 3). */
export function resolveOrch(repoRoot: string, idOrLatest: string): { orchId: string; orchDir: string } {
  const orchId = idOrLatest === 'latest' ? listOrchIds(repoRoot)[0] : idOrLatest;
  if (!orchId) throw new RunrError('orchestration_not_found', `Orchestration not found: there are none in ${repoRoot} (start one with runr orchestrate run --config tracks.yaml)`, EXIT.notFound);
  if (!RUN_ID_PATTERN.test(orchId)) throw new RunrError('orchestration_not_found', `Orchestration not found: "${orchId}" is not an orchestration id (expected YYYYMMDDHHMMSS, YYYYMMDDHHMMSS-<suffix> or "latest")`, EXIT.notFound);
  const orchDir = orchDirOf(repoRoot, orchId);
  if (!fs.existsSync(orchDir)) throw new RunrError('orchestration_not_found', `Orchestration not found: ${orchId} (runr orchestrate status --all lists them)`, EXIT.notFound);
  return { orchId, orchDir };
}
