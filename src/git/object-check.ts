import { spawn } from 'node:child_process';
import type { Hash } from 'node:crypto';
import { dirsOf } from '../util/dirs-of.js';
import { recall } from '../util/recall.js';
import { objectSha1 } from './blob-hash.js';
import { hardenedEnv } from './git.js';

/**
 * The objects of a checkpoint that do not hold what their ids say. git never hashes an object file it
 * finds under an id again: a worker that can write `.git/objects` (any unconfined one, and a confined
 * implementer or verification, whose git commands store objects) could plant, under the id of bytes it
 * is about to write, an object holding other bytes, and `hash-object -w`, `write-tree` and `commit-tree`
 * would keep the planted one. So runr reads back and hashes, in one `cat-file --batch`: the commit (when
 * given), its tree, every tree on the way to a changed path, and every changed file's blob. Each is reached
 * through the one before, so a tree that hashes right vouches for the ids it lists. Returns what does not
 * match, in words (empty: everything does). SHA-1 repositories only: elsewhere it checks nothing.
 * A check asked for before is answered from memory unless `fresh` (objects may have been written since).
 */
export function forgedObjects(
  workDir: string,
  top: { commit?: string; tree: string },
  /** The changed paths (deleted ones included), asked for only when the check is not known already. */
  paths: () => string[] | Promise<string[]>,
  opts: { fresh?: boolean } = {},
): Promise<string[]> {
  const key = `${workDir}\0${top.commit ?? ''}\0${top.tree}`;
  if (opts.fresh) checks.delete(key);
  return recall(checks, key, async () => readAndHash(workDir, top, await paths()));
}

/** Checks asked for lately (the checkpoint's is asked for while a confined review runs, when nothing can write objects). */
const checks = new Map<string, Promise<string[]>>();

async function readAndHash(workDir: string, top: { commit?: string; tree: string }, paths: string[]): Promise<string[]> {
  if (top.tree.length !== 40) return [];
  const names = [
    ...(top.commit ? [top.commit] : []),
    top.tree,
    ...[...dirsOf(paths)].filter(Boolean).sort().map((d) => `${top.tree}:${d}`),
    ...[...new Set(paths)].sort().map((p) => `${top.tree}:${p}`),
  ];
  const objects = await catBatch(workDir, names);
  const forged: string[] = [];
  names.forEach((name, i) => {
    const o = objects[i];
    if (o === undefined) forged.push(`${name}: git gave no answer`);
    else if (o !== 'missing' && o.id !== o.hashed) forged.push(`${name}: the object stored as ${o.id} holds other content (${o.hashed})`);
  });
  return forged;
}

type Read = { id: string; hashed: string } | 'missing';

/** `git cat-file --batch` over `names`: per name, its id and the SHA-1 of its stored content, or missing (a deleted path). */
function catBatch(cwd: string, names: string[]): Promise<Read[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, env: hardenedEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const found: Read[] = [];
    let pending: Buffer = Buffer.alloc(0);
    let body: { id: string; left: number; hash: Hash } | null = null;
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (body) {
          const take = Math.min(body.left, pending.length);
          body.hash.update(pending.subarray(0, take));
          body.left -= take;
          pending = pending.subarray(take);
          if (body.left > 0 || pending.length < 1) return;
          found.push({ id: body.id, hashed: body.hash.digest('hex') });
          pending = pending.subarray(1); // the newline after the content
          body = null;
          continue;
        }
        const eol = pending.indexOf(0x0a);
        if (eol < 0) return;
        const header = pending.subarray(0, eol).toString('utf8');
        pending = pending.subarray(eol + 1);
        const m = /^([0-9a-f]{40}) (\w+) (\d+)$/.exec(header);
        if (m) body = { id: m[1]!, left: Number(m[3]), hash: objectSha1(m[2]!, m[3]!) };
        else found.push('missing'); // "<name> missing" (or ambiguous): nothing stored to check
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(found) : reject(new Error(`git cat-file --batch exited ${code}: ${stderr.trim()}`))));
    child.stdin.on('error', () => {});
    child.stdin.end(`${names.join('\n')}\n`);
  });
}
