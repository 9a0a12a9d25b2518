import fs from 'node:fs';
import path from 'node:path';
import { killTree } from '../../util/process.js';
import { RUN_FILES } from '../../store/paths.js';
import { pidAlive } from '../../store/lease.js';

/**
 * Child process groups of the current executor, on disk, so that a resume after kill -9 can end
 * a worker or verification command the dead executor left running.
 */
const file = (runDir: string) => path.join(runDir, RUN_FILES.children);

export function recordChild(runDir: string, pid: number): void {
  fs.writeFileSync(file(runDir), JSON.stringify({ pids: [pid] }));
}

export function clearChildren(runDir: string): void {
  fs.rmSync(file(runDir), { force: true });
}

/** Kills leftovers that still carry this run's id in their environment (guards against pid reuse). */
export function killLeftoverChildren(runDir: string, runId: string): void {
  let pids: number[] = [];
  try {
    pids = (JSON.parse(fs.readFileSync(file(runDir), 'utf8')) as { pids: number[] }).pids;
  } catch {
    return;
  }
  for (const pid of pids) {
    if (!pidAlive(pid)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!environ.split('\0').includes(`RUNR_RUN_ID=${runId}`)) continue;
    } catch {
      continue;
    }
    killTree(pid);
  }
  clearChildren(runDir);
}
