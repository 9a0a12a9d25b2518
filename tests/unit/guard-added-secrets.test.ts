import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import { findAddedSecrets } from '../../src/guard/secrets.js';
import type { ChangedPath } from '../../src/guard/index.js';
import { FAKE_SECRETS } from '../helpers/fake-secrets.js';

const freshDir = tempDirsRemovedAfterEach('runr-secrets-');

/** A worktree with `files`, and `before` as the last checkpoint's contents. */
function check(files: Record<string, string>, changes: ChangedPath[], before: Record<string, string> = {}, allow: string[] = []) {
  const workDir = freshDir();
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workDir, f)), { recursive: true });
    fs.writeFileSync(path.join(workDir, f), text);
  }
  return findAddedSecrets({
    workDir, changes, allow,
    before: (p) => (p in before ? (async function* () { yield Buffer.from(before[p]!); })() : null),
  });
}

const { github, aws } = FAKE_SECRETS;

describe('the secret-in-diff guard', () => {
  it('names the file, line and kind of each secret a new file adds', async () => {
    expect(await check({ 'src/a.ts': `x\nconst t = "${github}";\n` }, [{ path: 'src/a.ts', status: 'added' }]))
      .toEqual([{ path: 'src/a.ts', rule: 'secret', line: 2, shape: 'GitHub token' }]);
  });

  it('a secret the file already held at the last checkpoint is not new; one added next to it is', async () => {
    const files = { 'cfg.txt': `old ${github}\nnew ${aws}\n` };
    expect(await check(files, [{ path: 'cfg.txt', status: 'modified' }], { 'cfg.txt': `old ${github}\n` }))
      .toEqual([{ path: 'cfg.txt', rule: 'secret', line: 2, shape: 'AWS access key id' }]);
  });

  it('a secret moved from a removed file (a rename) is not new', async () => {
    const changes: ChangedPath[] = [{ path: 'old.txt', status: 'deleted' }, { path: 'new.txt', status: 'added' }];
    expect(await check({ 'new.txt': github }, changes, { 'old.txt': github })).toEqual([]);
  });

  it('files under scope.secrets_allow (a glob or a directory) are not scanned', async () => {
    const files = { 'fixtures/keys.txt': github, 'test/data/k.txt': github, 'src/k.txt': github };
    const changes: ChangedPath[] = Object.keys(files).map((p) => ({ path: p, status: 'added' }));
    expect((await check(files, changes, {}, ['fixtures/*.txt', 'test/data/'])).map((v) => v.path)).toEqual(['src/k.txt']);
  });

  it('deleted, missing and non-regular paths add nothing', async () => {
    const changes: ChangedPath[] = [{ path: 'gone.txt', status: 'deleted' }, { path: 'missing.txt', status: 'added' }, { path: 'dir', status: 'added' }];
    expect(await check({ 'dir/x.txt': 'plain' }, changes, { 'gone.txt': github })).toEqual([]);
  });
});
