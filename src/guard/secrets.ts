import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { scanStream, type SecretHit } from './secret-scanner.js';
import { normalizeRepoPath, type ChangedPath, type Violation } from './scope.js';

/** Secrets an earlier version may hold and still count as not new (a file full of keys is bounded too). */
const MAX_KNOWN_PER_FILE = 10_000;

export interface SecretGuardInput {
  workDir: string;
  changes: ChangedPath[];
  /** `scope.secrets_allow`: repo-relative globs of files that may hold secret-shaped strings (fixtures). */
  allow: readonly string[];
  /** A file's bytes at the last checkpoint (null when it had none there): what was already in the repository. */
  before: (repoPath: string) => AsyncIterable<Buffer> | null;
}

function allowMatcher(globs: readonly string[]): (p: string) => boolean {
  const patterns = globs.map((g) => g.trim()).filter(Boolean).map((g) => normalizeRepoPath(g.endsWith('/') ? `${g}**` : g));
  return patterns.length ? picomatch(patterns, { dot: true }) : () => false;
}

async function scanFile(file: string): Promise<SecretHit[]> {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return [];
  }
  if (!st.isFile()) return [];
  return (await scanStream(fs.createReadStream(file))).hits;
}

/**
 * The secret-in-diff guard: secret-shaped strings that this milestone's changes add (docs/security.md).
 * Each changed text file is read in bounded windows; a hit already present at the last checkpoint in
 * the same file, or in a file this milestone removed (a rename), is not new. The result names file,
 * line and kind of secret; the secret itself never leaves this function.
 */
export async function findAddedSecrets(input: SecretGuardInput): Promise<Violation[]> {
  const allowed = allowMatcher(input.allow);
  const found = new Map<string, SecretHit[]>();
  const existed = new Set<string>();
  const removed: string[] = [];
  for (const change of input.changes) {
    const p = normalizeRepoPath(change.path);
    if (change.status === 'deleted') {
      removed.push(p);
      continue;
    }
    if (change.status === 'modified') existed.add(p);
    if (found.has(p) || allowed(p)) continue;
    const hits = await scanFile(path.join(input.workDir, p));
    if (hits.length) found.set(p, hits);
  }
  if (!found.size) return [];

  const knownIn = async (p: string): Promise<Set<string>> => {
    const stream = input.before(p);
    return new Set(stream ? (await scanStream(stream, MAX_KNOWN_PER_FILE)).hits.map((h) => h.text) : []);
  };
  const movedHere = new Set<string>();
  for (const p of removed) for (const text of await knownIn(p)) movedHere.add(text);
  const violations: Violation[] = [];
  for (const [p, hits] of found) {
    const known = existed.has(p) ? await knownIn(p) : new Set<string>();
    for (const hit of hits) {
      if (known.has(hit.text) || movedHere.has(hit.text)) continue;
      violations.push({ path: p, rule: 'secret', line: hit.line, shape: hit.shape });
    }
  }
  return violations;
}
