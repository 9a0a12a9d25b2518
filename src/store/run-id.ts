import fs from 'node:fs';
import path from 'node:path';

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Allocates a run id (UTC YYYYMMDDHHMMSS) by creating its directory exclusively. A second run in the
 * same second takes the next free second, so ids stay unique, sortable and of one format.
 */
export function allocateRunDir(runsDir: string, nowMs = Date.now()): { runId: string; runDir: string } {
  fs.mkdirSync(runsDir, { recursive: true });
  for (let i = 0; i < 3600; i++) {
    const runId = stamp(nowMs + i * 1000);
    const runDir = path.join(runsDir, runId);
    try {
      fs.mkdirSync(runDir);
      return { runId, runDir };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`could not allocate a run id in ${runsDir}`);
}
