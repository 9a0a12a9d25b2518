import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { packageRoot } from '../util/package-root.js';
import { heartbeat } from '../store/lease.js';
import { RUN_FILES } from '../store/paths.js';

export const LEASE_TOKEN_ENV = 'RUNR_LEASE_TOKEN';

/**
 * Starts `runr <command> <id> --repo <repoRoot>` in the background, logging to `logFile`, and passes it the
 * lease held in `leaseDir` (a run's or an orchestration's) by rewriting the lease's pid to the child's, so
 * there is no instant at which nobody holds it. Returns the child's pid.
 */
export function detachWithLease(command: string, id: string, repoRoot: string, leaseDir: string, leaseToken: string, logFile: string): number {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(packageRoot(), 'bin', 'runr.js'), command, id, '--repo', repoRoot], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, [LEASE_TOKEN_ENV]: leaseToken },
  });
  fs.closeSync(log);
  if (!child.pid) throw new Error(`could not start the background process (runr ${command})`);
  heartbeat(leaseDir, leaseToken, child.pid);
  child.unref();
  return child.pid;
}

/** Hands a run to a background supervisor process (`runr __supervise`), which takes over its lease. */
export function detachSupervisor(repoRoot: string, runId: string, runDir: string, leaseToken: string): number {
  return detachWithLease('__supervise', runId, repoRoot, runDir, leaseToken, path.join(runDir, RUN_FILES.logs, 'supervisor.log'));
}
