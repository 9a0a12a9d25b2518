import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The plain run id of a start time: UTC `YYYYMMDDHHMMSS`. */
export function plainRunId(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * A run id that no other process or machine will pick: the plain id, `-`, the start's milliseconds and
 * five random base-36 characters (60 million values per millisecond). It sorts after the plain id of
 * its second and, within the second, by start time.
 */
export function suffixedRunId(ms: number, random: () => string = randomChars): string {
  const millis = String(new Date(ms).getUTCMilliseconds()).padStart(3, '0');
  return `${plainRunId(ms)}-${millis}${random()}`;
}

function randomChars(): string {
  return Array.from({ length: 5 }, () => BASE36[randomInt(36)]).join('');
}

export interface RunIdClaim {
  /** Ids must be unique across machines (several clones share a remote or a queue): always add the suffix. */
  alwaysSuffix?: boolean;
  nowMs?: number;
  random?: () => string;
  /**
   * Claims the id outside the run directory (its branch), atomically; false when it is already taken
   * there. Called only once the directory is ours.
   */
  claimElsewhere?: (runId: string) => Promise<boolean>;
}

const ATTEMPTS = 20;

/**
 * Allocates a run id by creating its directory exclusively (atomic between processes), then claiming
 * it elsewhere (the run branch). The plain timestamp is tried first; when it is taken, in the
 * directory or elsewhere, the id gets a random suffix, so concurrent starts never share an id and
 * every id begins with its start time.
 */
export async function allocateRunDir(runsDir: string, claim: RunIdClaim = {}): Promise<{ runId: string; runDir: string }> {
  const nowMs = claim.nowMs ?? Date.now();
  fs.mkdirSync(runsDir, { recursive: true });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const runId = attempt === 0 && !claim.alwaysSuffix ? plainRunId(nowMs) : suffixedRunId(nowMs, claim.random);
    const runDir = path.join(runsDir, runId);
    try {
      fs.mkdirSync(runDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    if (!claim.claimElsewhere || (await claim.claimElsewhere(runId))) return { runId, runDir };
    fs.rmdirSync(runDir);
  }
  throw new Error(`could not allocate a run id in ${runsDir} after ${ATTEMPTS} attempts`);
}
