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
 * What the tags of one run's processes start with: from the run directory, not the run id alone
 * (two repositories can start runs in the same second).
 */
export const runTagPrefix = (runDir: string) => `run-${createHash('sha256').update(runDir).digest('hex').slice(0, 16)}-`;

/**
 * The tag every process this executor starts for a run carries. It names the executor too, so that
 * an executor that wakes up after losing its lease cleans up only what it started itself.
 */
export const processTag = (runDir: string) => `${runTagPrefix(runDir)}${process.pid}`;

/**
 * Pids (other than this process) whose environment carries the tag, or with `prefix` any tag that
 * starts with it. Empty where /proc is unavailable.
 */
export function taggedPids(tag: string, prefix = false): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = `${TAG_VAR}=${tag}${prefix ? '' : '\0'}`;
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

/** Signals every process carrying the tag but `except` (a sandbox's bwrap, whose death would take its command down at once). */
export function signalTagged(tag: string, signal: NodeJS.Signals, except?: number): void {
  for (const pid of taggedPids(tag)) if (pid !== except) send(pid, signal);
}

/** Signals a process group and every process carrying the tag (or, with `prefix`, a tag starting with it). */
export function signalTree(pgid: number | undefined, tag: string | undefined, signal: NodeJS.Signals, prefix = false): void {
  if (pgid) {
    try {
      process.kill(-pgid, signal);
    } catch {
      send(pgid, signal);
    }
  }
  if (tag) for (const pid of taggedPids(tag, prefix)) send(pid, signal);
}
