// Temporary git repositories for the unit tests of runr's git layer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { git } from '../helpers/harness.js';

/** A new repository on `main` in a temp dir with `files` committed (none: an empty commit): its path and that commit. */
export function committedRepo(prefix: string, files: Record<string, string> = {}): { repo: string; head: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  git(repo, 'init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(repo, name), text);
  if (Object.keys(files).length) git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
  return { repo, head: git(repo, 'rev-parse', 'HEAD').trim() };
}
