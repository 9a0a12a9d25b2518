import { createHash } from 'node:crypto';
import fs from 'node:fs';

/**
 * Finding and ending everything a child started. A child runs in its own process group, but
 * agent CLIs start tool commands in process groups of their own (Claude Code's Bash tool does),
 * so killing the group is not enough. Every process runr starts carries `RUNR_PROC_TAG=<tag>` in
 * its environment, which its descendants inherit; on Linux, /proc finds them all, even those
 * whose parent has already exited.
 */
export const TAG_VAR = 'RUNR_PROC_TAG';

/**
 * The tag every process a run starts carries (one run performs one effect at a time). From the run
 * directory, not the run id alone: two repositories can start runs in the same second.
 */
export const processTag = (runDir: string) => `run-${createHash('sha256').update(runDir).digest('hex').slice(0, 16)}`;

/** Pids (other than this process) whose environment carries the tag. Empty where /proc is unavailable. */
export function taggedPids(tag: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = `${TAG_VAR}=${tag}\0`;
  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle)) pids.push(pid);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/** Signals a process group and every process carrying the tag. */
export function signalTree(pgid: number | undefined, tag: string | undefined, signal: NodeJS.Signals): void {
  if (pgid) {
    try {
      process.kill(-pgid, signal);
    } catch {
      send(pgid, signal);
    }
  }
  if (tag) for (const pid of taggedPids(tag)) send(pid, signal);
}
