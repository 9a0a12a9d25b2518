import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RunStateSchema, type RunState } from '../contracts/state.js';
import { readJson, writeJsonAtomic } from './atomic.js';
import { journalPath } from './journal.js';
import { RUN_FILES } from './paths.js';

/** state.json is a cache of the journal; `journal_bytes` says how much of the journal it reflects. */
const StateFileSchema = RunStateSchema.extend({ journal_bytes: z.number().int() });

export function statePath(runDir: string): string {
  return path.join(runDir, RUN_FILES.state);
}

export function writeState(runDir: string, state: RunState, journalBytes: number): void {
  writeJsonAtomic(statePath(runDir), { ...state, journal_bytes: journalBytes });
}

/** The cached state when it is valid and up to date with the journal; null otherwise. */
export function readFreshState(runDir: string): RunState | null {
  try {
    const parsed = StateFileSchema.safeParse(readJson(statePath(runDir)));
    if (!parsed.success) return null;
    const size = fs.statSync(journalPath(runDir)).size;
    if (parsed.data.journal_bytes !== size) return null;
    const { journal_bytes: _b, ...state } = parsed.data;
    return state;
  } catch {
    return null;
  }
}
