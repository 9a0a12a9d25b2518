import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { heartbeat } from '../store/lease.js';
import { RUN_FILES } from '../store/paths.js';

const RUNR_BIN = fileURLToPath(new URL('../../bin/runr.js', import.meta.url));
export const LEASE_TOKEN_ENV = 'RUNR_LEASE_TOKEN';

/**
 * Hands a run to a background supervisor process. The lease (held by the caller) is passed on by
 * rewriting its pid to the child's, so there is no instant at which nobody holds it.
 */
export function detachSupervisor(repoRoot: string, runId: string, runDir: string, leaseToken: string): number {
  const log = fs.openSync(path.join(runDir, RUN_FILES.logs, 'supervisor.log'), 'a');
  const child = spawn(process.execPath, [RUNR_BIN, '__supervise', runId, '--repo', repoRoot], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, [LEASE_TOKEN_ENV]: leaseToken },
  });
  fs.closeSync(log);
  if (!child.pid) throw new Error('could not start the background supervisor');
  heartbeat(runDir, leaseToken, child.pid);
  child.unref();
  return child.pid;
}
