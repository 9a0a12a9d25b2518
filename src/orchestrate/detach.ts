import path from 'node:path';
import { detachWithLease } from '../engine/detach.js';
import { ORCH_FILES } from '../store/paths.js';

/** Hands an orchestration to a background `runr __orchestrate` process, which takes over its lease. Returns its pid. */
export function detachOrchestrator(repoRoot: string, orchId: string, orchDir: string, leaseToken: string): number {
  return detachWithLease('__orchestrate', orchId, repoRoot, orchDir, leaseToken, path.join(orchDir, ORCH_FILES.logs, 'orchestrator.log'));
}
