import { describe, expect, it } from 'vitest';
import { approve, ok, plan, startRun, TestRepo } from '../helpers/harness.js';
import { expectGuardStop, filesOf, promptKeys, promptsOf, runToEnd } from '../helpers/e2e-support.js';

/** Tool caches, and the scope guard that runs again after VERIFY (SPEC §6). */

const CACHES_BY_AGENT = {
  '__pycache__/x.cpython-312.pyc': 'pyc',
  'src/__pycache__/m.pyc': 'pyc',
  '.pytest_cache/v/cache/lastfailed': '{}',
  'coverage/lcov.info': 'TN:',
  'tsconfig.tsbuildinfo': '{}',
  '.DS_Store': 'x',
};

/** A verification command that leaves caches behind, as test runners do. */
const CACHING_CHECK = `import fs from 'node:fs';
for (const [f, c] of Object.entries({ 'coverage/run.json': '{}', '.nyc_output/out.json': '{}', 'pkg/__pycache__/y.pyc': 'pyc', 'app.tsbuildinfo': '{}', '.eslintcache': '[]' })) {
  fs.mkdirSync(f.split('/').slice(0, -1).join('/') || '.', { recursive: true });
  fs.writeFileSync(f, c);
}
process.exit(fs.existsSync('src/a.js') ? 0 : 1);
`;

describe('tool caches', () => {
  it('caches created by the agent and by verification are neither violations nor committed', async () => {
    const repo = new TestRepo({
      files: { 'check.js': CACHING_CHECK },
      config: { scope: { allowlist: ['src/**'], denylist: [], presets: [], protect: [] } },
      script: {
        PLAN: [{ result: plan('add a') }],
        IMPLEMENT: [{ write: { 'src/a.js': 'export const a = 1;\n', ...CACHES_BY_AGENT }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.stop_reason).toBe('complete');
    expect(run.status.guard_violation_files).toBeUndefined();
    const branch = `runr/${run.runId}`;
    expect(filesOf(repo, branch)).toEqual(['src/a.js']);
    expect(repo.git('show', '--stat', '--format=', branch)).not.toMatch(/pycache|pytest_cache|coverage|tsbuildinfo|nyc_output|DS_Store|eslintcache/);
    expect(repo.git('ls-tree', '-r', '--name-only', branch).split('\n').sort()).toEqual(['README.md', 'check.js', 'src/a.js']);
    // The reviewer's diff leaves them out too.
    const review = promptsOf(repo, 'REVIEW')[0] ?? '';
    expect(review).toContain('src/a.js');
    expect(review).not.toMatch(/lcov\.info|lastfailed|tsbuildinfo/);
  });

  it('caches do not hide a real violation next to them', async () => {
    const repo = new TestRepo({
      config: { scope: { allowlist: ['src/**'], denylist: [], presets: [], protect: [] } },
      script: {
        PLAN: [{ result: plan('add a') }],
        IMPLEMENT: [{ write: { 'src/a.js': 'a\n', ...CACHES_BY_AGENT, 'coverage-report.md': 'not a cache\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['coverage-report.md'], main);
  });

  it('caches left by one milestone are not committed by the next', async () => {
    const repo = new TestRepo({
      files: { 'check.js': CACHING_CHECK },
      script: {
        PLAN: [{ result: plan('add a', 'add b') }],
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
        'IMPLEMENT:m2': [{ write: { 'src/b.js': 'b\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    const branch = `runr/${run.runId}`;
    expect(filesOf(repo, branch)).toEqual(['src/b.js']);
    expect(filesOf(repo, `${branch}~1`)).toEqual(['src/a.js']);
  });
});

describe('guard after VERIFY', () => {
  it('a file the verification command writes outside the allowlist stops the run before review', async () => {
    const repo = new TestRepo({
      files: { 'check.js': "import fs from 'node:fs'; fs.mkdirSync('lib', { recursive: true }); fs.writeFileSync('lib/generated.js', 'x');\n" },
      config: { scope: { allowlist: ['src/**'], denylist: [], presets: [], protect: [] } },
      script: {
        PLAN: [{ result: plan('add a') }],
        IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    const run = await startRun(repo);
    await expectGuardStop(repo, run, ['lib/generated.js'], main);
    expect(promptKeys(repo)).toEqual(['PLAN', 'IMPLEMENT']);
    const guards = repo.events(run.runId).filter((e) => e.type === 'effect_started' && e.effect.kind === 'guard').map((e) => e.effect.after);
    expect(guards).toEqual(['IMPLEMENT', 'VERIFY']);
    const verified = repo.events(run.runId).find((e) => e.type === 'effect_result' && e.result.kind === 'verify');
    expect(verified?.result.ok).toBe(true);
  });

  it('a verification command that rewrites a protected file stops the run', async () => {
    const repo = new TestRepo({
      files: {
        'check.js': "import fs from 'node:fs'; fs.writeFileSync('tests/spec.txt', 'rewritten');\n",
        'tests/spec.txt': 'original\n',
      },
      config: { scope: { allowlist: [], denylist: [], presets: [], protect: ['tests/**'] } },
      script: {
        PLAN: [{ result: plan('add a') }],
        IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    await expectGuardStop(repo, await startRun(repo), ['tests/spec.txt'], main);
  });
});
