import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fingerprint } from './fingerprint.js';

/**
 * Stamps: what a git listing (its config, its refs) is read from, as file fingerprints. While a stamp
 * is the same, so is the listing, and the integrity watch takes it over instead of starting git again;
 * a different stamp only means "ask git", which says what, if anything, changed.
 */

/** Each file's fingerprint, and the file's it points at (a dotfiles manager's symlinked ~/.gitconfig). */
export function stampOf(files: readonly string[]): string {
  return files.map((f) => `${f}=${fingerprint(f)}>${fingerprint(f, { follow: true })}`).join('\n');
}

/** The config files git reads whether they exist or not (documented in git-config(1), FILES). */
function standardConfigFiles(dirs: { gitDir: string; commonDir: string }): string[] {
  const home = process.env.HOME ?? os.homedir();
  const xdg = process.env.XDG_CONFIG_HOME || path.join(home, '.config');
  const global = process.env.GIT_CONFIG_GLOBAL ? [process.env.GIT_CONFIG_GLOBAL] : [path.join(xdg, 'git', 'config'), path.join(home, '.gitconfig')];
  const system = process.env.GIT_CONFIG_NOSYSTEM ? [] : [process.env.GIT_CONFIG_SYSTEM || '/etc/gitconfig'];
  return [...system, ...global, path.join(dirs.commonDir, 'config'), path.join(dirs.gitDir, 'config.worktree')];
}

/**
 * Every file the effective config listing (`effectiveConfig`: "key=value  (origin)") was read from,
 * the standard ones even when missing, and every file an include names, even one that does not
 * exist yet (creating it would add config).
 */
export function configFilesOf(listing: string[], cwd: string, dirs: { gitDir: string; commonDir: string }): string[] {
  const home = process.env.HOME ?? os.homedir();
  const files = new Set(standardConfigFiles(dirs));
  for (const line of listing) {
    const m = /^(.*?)(?:=(.*))?  \(file:(.*)\)$/s.exec(line);
    if (!m) continue;
    const [, key = '', value = '', origin = ''] = m;
    const from = path.resolve(cwd, origin);
    files.add(from);
    if (/^include(if\..*)?\.path$/i.test(key) && value) {
      const target = value.startsWith('~/') ? path.join(home, value.slice(2)) : path.resolve(path.dirname(from), value);
      files.add(target);
    }
  }
  return [...files].sort();
}

/**
 * The refs the watch lists (engine/integrity/snapshot.ts): packed-refs and every loose ref file but
 * those under `unwatchedDirs`, in the shared and the worktree's own git directory, plus `alsoFiles`.
 * Null for a reftable repository (git is always asked).
 */
export function refsStamp(dirs: { gitDir: string; commonDir: string }, unwatchedDirs: string[], alsoFiles: string[]): string | null {
  if (fs.existsSync(path.join(dirs.commonDir, 'reftable'))) return null;
  const out: string[] = [];
  const walk = (dir: string) => {
    if (unwatchedDirs.includes(dir)) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(`${full}=${fingerprint(full)}`);
    }
  };
  walk(path.join(dirs.commonDir, 'refs'));
  if (dirs.gitDir !== dirs.commonDir) walk(path.join(dirs.gitDir, 'refs'));
  for (const f of [path.join(dirs.commonDir, 'packed-refs'), ...alsoFiles]) out.push(`${f}=${fingerprint(f)}`);
  return out.sort().join('\n');
}
