/**
 * Names as filesystems equate them, and the paths git refuses to track. Mirrors git's verify_path
 * (read-cache.c) with core.protectNTFS and core.protectHFS both on, whatever the platform: a branch
 * made here may be checked out on Windows or macOS. Pure: no filesystem.
 */

/** Code points HFS+ ignores in names (git's utf8.c, next_hfs_char). */
const HFS_IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * One path component as the most lenient filesystem reads it: HFS+ ignorable code points dropped,
 * an NTFS stream suffix (`name:stream`) and trailing dots and spaces dropped, lower case.
 * `.GIT. ` and `.g\u200cit` both fold to `.git`.
 */
export function foldName(component: string): string {
  const noIgnorable = component.replace(HFS_IGNORABLE, '');
  const colon = noIgnorable.indexOf(':');
  return (colon === -1 ? noIgnorable : noIgnorable.slice(0, colon)).replace(/[. ]+$/, '').toLowerCase();
}

/** `.git` in any spelling git refuses: any case, NTFS trailing dots/spaces or stream, `git~1`, HFS ignorables. */
export function isDotGit(component: string): boolean {
  const folded = foldName(component);
  return folded === '.git' || folded === 'git~1';
}

/**
 * NTFS 8.3 fall-back short name of a dotfile (git's path.c, is_ntfs_dot_generic): eight characters,
 * a prefix of `prefix` then `~` and digits, the first digit not 0 (`gi7eba~1` for .gitmodules).
 */
function isNtfsFallbackShortName(folded: string, prefix: string): boolean {
  const m = /^([^~]{0,6})~[1-9][0-9]*$/.exec(folded);
  return m !== null && folded.length === 8 && prefix.startsWith(m[1]!);
}

/** `.gitmodules` in any spelling git refuses for a symlink (it would be read as the submodule config). */
export function isDotGitmodules(component: string): boolean {
  const folded = foldName(component);
  return folded === '.gitmodules' || /^gitmod~[1-4]$/.test(folded) || isNtfsFallbackShortName(folded, 'gi7eba');
}

/**
 * True when git would refuse `p` (repo-relative) as an index entry, so a commit of it would fail:
 * a `.git` component in any of its spellings, an empty, `.` or `..` component (a trailing slash
 * too: git status lists a nested repository as `dir/`), and for a symlink a `.gitmodules`
 * component. Backslashes count as separators, as on Windows. May refuse a little more than git.
 */
export function gitRefusesPath(p: string, opts: { symlink?: boolean } = {}): boolean {
  const parts = p.split(/[\\/]/);
  return parts.some((c) => c === '' || c === '.' || c === '..' || isDotGit(c) || (opts.symlink === true && isDotGitmodules(c)));
}
