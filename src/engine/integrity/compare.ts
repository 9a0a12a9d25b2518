import type { RunState } from '../../contracts/state.js';
import { isAncestor } from '../../git/refs.js';
import { expectedHead } from '../effects/context.js';
import type { IntegritySnapshot } from './snapshot.js';

const MAX_LISTED = 6;
const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 12) : 'nothing');

/**
 * What changed between two snapshots that only runr may change, in words; empty when nothing did.
 * The run branch may only have grown by commits on top of the last checkpoint (the worker's own
 * commits, which the scope guard then undoes and checks).
 */
export async function tamperings(state: RunState, before: IntegritySnapshot, after: IntegritySnapshot): Promise<string[]> {
  const found: string[] = [];
  const names = new Set([...Object.keys(before.refs), ...Object.keys(after.refs)]);
  for (const ref of [...names].sort()) {
    const a = before.refs[ref];
    const b = after.refs[ref];
    if (a === b) continue;
    found.push(!a ? `ref ${ref} was created (${short(b)})` : !b ? `ref ${ref} was deleted (was ${short(a)})` : `ref ${ref} moved from ${short(a)} to ${short(b)}`);
  }
  if (after.ownBranch !== before.ownBranch) {
    const grown = after.ownBranch === expectedHead(state) || (after.ownBranch !== null && (await isAncestor(state.work_dir, expectedHead(state), after.ownBranch)));
    if (!grown) found.push(`the run branch ${state.branch} moved from ${short(before.ownBranch)} to ${short(after.ownBranch)}`);
  }
  if (after.workHead !== `refs/heads/${state.branch}`) {
    found.push(`HEAD of ${state.work_dir} is ${after.workHead.replace(/^refs\/heads\//, 'on ')}, not on ${state.branch}`);
  }
  const added = after.config.filter((l) => !before.config.includes(l));
  const removed = before.config.filter((l) => !after.config.includes(l));
  if (added.length || removed.length) {
    found.push(`git config changed: ${[...added.map((l) => `+ ${l}`), ...removed.map((l) => `- ${l}`)].slice(0, MAX_LISTED).join('; ')}`);
  }
  const files = new Set([...Object.keys(before.files), ...Object.keys(after.files)]);
  const changedFiles = [...files].sort().filter((f) => (before.files[f] ?? 'missing') !== (after.files[f] ?? 'missing'));
  for (const f of changedFiles.slice(0, MAX_LISTED)) found.push(`${f} was ${describeFileChange(before.files[f], after.files[f])}`);
  if (changedFiles.length > MAX_LISTED) found.push(`… and ${changedFiles.length - MAX_LISTED} more files of git or runr`);
  if (before.checkout && after.checkout) found.push(...checkoutChanges(state, before.checkout, after.checkout));
  return found;
}

function describeFileChange(a: string | undefined, b: string | undefined): string {
  if (!a || a === 'missing') return 'created';
  if (!b || b === 'missing') return 'deleted';
  return 'modified';
}

function checkoutChanges(state: RunState, a: NonNullable<IntegritySnapshot['checkout']>, b: NonNullable<IntegritySnapshot['checkout']>): string[] {
  const out: string[] = [];
  if (a.head !== b.head) out.push(`the checkout in ${state.repo_root} switched from ${a.head} to ${b.head}`);
  const paths = new Set([...Object.keys(a.paths), ...Object.keys(b.paths)]);
  const changed = [...paths].sort().filter((p) => a.paths[p] !== b.paths[p]);
  if (changed.length) {
    const shown = changed.slice(0, MAX_LISTED).join(', ') + (changed.length > MAX_LISTED ? ', …' : '');
    out.push(`files in your checkout ${state.repo_root} changed: ${shown}`);
  }
  return out;
}
