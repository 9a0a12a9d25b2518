import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LEASE_TOKEN_ENV } from '../engine/detach.js';
import { heartbeat } from '../store/lease.js';
import { ORCH_FILES } from '../store/paths.js';

const RUNR_BIN = fileURLToPath(new URL('../../bin/runr.js', import.meta.url));

/**
 * Hands an orchestration to a background `runr __orchestrate` process, passing its lease on (the pid in the
 * lease becomes the child's, so nobody ever stops holding it). Returns the child's pid.
 */
export function detachOrchestrator(repoRoot: string, orchId: string, orchDir: string, leaseToken: string): number {
  fs.mkdirSync(path.join(orchDir, ORCH_FILES.logs), { recursive: true });
  const log = fs.openSync(path.join(orchDir, ORCH_FILES.logs, 'orchestrator.log'), 'a');
  const child = spawn(process.execPath, [RUNR_BIN, '__orchestrate', orchId, '--repo', repoRoot], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, [LEASE_TOKEN_ENV]: leaseToken },
  });
  fs.closeSync(log);
  if (!child.pid) throw new Error('could not start the background orchestrator');
  heartbeat(orchDir, leaseToken, child.pid);
  child.unref();
  return child.pid;
}
