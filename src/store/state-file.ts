import fs from 'node:fs';
import path from 'node:path';
import type { RunState } from '../contracts/state.js';
import { STATE_VERSION } from '../contracts/state-version.js';
import { journalPath, RUN_FILES } from './paths.js';

/**
 * state.json is a cache of the journal; `journal_bytes` says how much of the journal it reflects.
 * Read-only commands trust a cache that matches the journal's size (runr wrote it from validated
 * events) without loading the schema library; anything else is rebuilt from the journal.
 */
export function statePath(runDir: string): string {
  return path.join(runDir, RUN_FILES.state);
}

/** The cached state when it is intact and up to date with the journal; null otherwise. */
export function readFreshState(runDir: string): RunState | null {
  try {
    const { journal_bytes: bytes, ...state } = JSON.parse(fs.readFileSync(statePath(runDir), 'utf8')) as RunState & { journal_bytes?: unknown };
    if (state.v !== STATE_VERSION || typeof state.run_id !== 'string' || !Array.isArray(state.milestones) || typeof state.phase !== 'string') return null;
    if (bytes !== fs.statSync(journalPath(runDir)).size) return null;
    return state;
  } catch {
    return null;
  }
}
