import fs from 'node:fs';
import path from 'node:path';
import { killTree } from '../../util/process.js';
import { runTagPrefix, signalTree, TAG_VAR } from '../../util/process-tree.js';
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

/**
 * Kills what an earlier executor left running: the recorded process group (when its environment
 * shows it is this run's, which guards against pid reuse) and every process tagged for this run.
 */
export function killLeftoverChildren(runDir: string): void {
  const prefix = runTagPrefix(runDir);
  let pids: number[] = [];
  try {
    pids = (JSON.parse(fs.readFileSync(file(runDir), 'utf8')) as { pids: number[] }).pids;
  } catch {
    /* no record: only tagged processes can be left */
  }
  for (const pid of pids) {
    if (!pidAlive(pid)) continue;
    try {
      if (!fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').some((v) => v.startsWith(`${TAG_VAR}=${prefix}`))) continue;
    } catch {
      continue;
    }
    killTree(pid);
  }
  signalTree(undefined, prefix, 'SIGKILL', true);
  clearChildren(runDir);
}
