/** summary.md at a run's end and `runr report <id> --md` (docs/commands.md#report), through the built CLI. */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { approve, ok, plan, RUNR_BIN, startRun, TestRepo } from '../helpers/harness.js';
import { FAKE_SECRETS } from '../helpers/fake-secrets.js';

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) fs.rmSync(path.dirname(r.dir), { recursive: true, force: true });
});
function newRepo(...args: ConstructorParameters<typeof TestRepo>): TestRepo {
  const repo = new TestRepo(...args);
  repos.push(repo);
  return repo;
}

const summaryOf = (repo: TestRepo, runId: string) => fs.readFileSync(path.join(repo.runDir(runId), 'summary.md'), 'utf8');
const u = (input_tokens: number, output_tokens: number, cost_usd: number) => ({ input_tokens, output_tokens, cost_usd });

describe('summary.md of a complete run', () => {
  it('holds the objective, each milestone with its files and commit, the evidence, usage and the next command; report --md prints it', async () => {
    const task = [
      '# Add two modules', '', '## Goal', `Add src/a.js and src/b.js (token ${FAKE_SECRETS.github}).`, '',
      '## Success Criteria', '- both modules export a constant', '- node check.js passes', '',
    ].join('\n');
    const repo = newRepo({
      task,
      script: {
        PLAN: [{ result: { ...plan('add a', 'add b'), usage: u(1000, 100, 0.01) } }],
        'IMPLEMENT:m1': [{ write: { 'src/a.js': 'export const a = 1;\n' }, result: { ...ok('a'), usage: u(2000, 200, 0.02) } }],
        'IMPLEMENT:m2': [{ write: { 'src/b.js': 'export const b = 2;\n' }, delete: ['README.md'], result: { ...ok('b'), usage: u(3000, 300, 0.03) } }],
        REVIEW: [
          { result: { verdict: 'request_changes', comments: ['name the constant better'], usage: u(500, 50, 0.005) } },
          { result: { ...approve(), usage: u(500, 50, 0.005) } },
        ],
      },
    });
    const { runId, exitCode, stderr } = await startRun(repo);
    expect(exitCode, stderr).toBe(0);
    const md = summaryOf(repo, runId);

    expect(md.split('\n')[0]).toBe('# Add two modules');
    expect(md).toContain('- both modules export a constant');
    expect(md).not.toContain(FAKE_SECRETS.github);
    expect(md).toContain('token [REDACTED]');
    const [m1, m2] = [repo.git('rev-parse', `runr/${runId}~1`), repo.git('rev-parse', `runr/${runId}`)];
    const section = (id: string) => md.split('\n### ').find((part) => part.startsWith(`${id}:`)) ?? '';
    expect(section('m1')).toMatch(/^m1: add a\n/);
    expect(section('m1')).toContain(`commit \`${m1.slice(0, 12)}\``);
    expect(section('m1')).toContain('A `src/a.js`');
    expect(section('m1')).not.toContain('src/b.js');
    expect(md).toContain('### m2: add b');
    expect(md).toContain(`commit \`${m2.slice(0, 12)}\``);
    expect(md).toMatch(/A `src\/b\.js`\n\s+- D `README\.md`|D `README\.md`\n\s+- A `src\/b\.js`/);
    // Evidence: each milestone's verification command and result, the review rounds with their comments.
    expect(section('m1')).toMatch(/Verification: 2 attempts\n {2}- attempt 1: passed — `node check\.js` passed in [\d.]+ s\n {2}- attempt 2: passed/);
    expect(section('m1')).toContain('- Review: 2 rounds\n  - round 1: request_changes\n    - name the constant better\n  - round 2: approve\n');
    expect(section('m2')).toContain('- Review: 1 round\n  - round 1: approve\n');
    expect(md).toMatch(/Verification: 3 attempts, 0 retries/);
    // Usage per phase and total.
    expect(md).toContain('| PLAN | 1 | 1000 | 100 | $0.01 |');
    // PLAN + 3 × IMPLEMENT (m1 twice: the review asked for changes) + 3 × REVIEW.
    expect(md).toContain('| **total** | 7 | 9500 | 950 | $0.10 |');
    // The outcome and the exact next command.
    expect(md).toContain('Complete. Every milestone was implemented');
    expect(md).toContain(`## Next\n\n\`\`\`sh\ngit log --oneline ${repo.git('rev-parse', 'main').slice(0, 12)}..runr/${runId}\n\`\`\``);

    const printed = await repo.runr(['report', runId, '--md']);
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(`${printed.stdout}\n`).toBe(md);
  });
});

describe('summary.md of a stopped run', () => {
  it('says why in words and gives `runr resume <id>`', async () => {
    const repo = newRepo({
      files: { 'check.js': "console.error('BOOM'); process.exit(1)\n" },
      config: { limits: { max_verify_retries: 1, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 } },
      script: { IMPLEMENT: [{ write: { 'src/a.js': 'x\n' }, result: ok() }] },
    });
    const { runId, exitCode } = await startRun(repo, ['--fast']);
    expect(exitCode).toBe(1);
    const md = summaryOf(repo, runId);
    expect(md).toContain('Stopped (verification_failed_max_retries). Verification kept failing for this milestone after the allowed number of fix attempts.');
    expect(md).toMatch(/attempt 1: failed — `node check\.js` failed \(exit 1\)/);
    expect(md).toContain('no commit yet');
    expect(md).toContain(`## Next\n\n\`\`\`sh\nrunr resume ${runId}\n\`\`\``);
    // (The harness drops the output's final newline.)
    expect(`${(await repo.runr(['report', runId, '--md'])).stdout}\n`).toBe(md);
  });

  it('is written by report --md when missing (a run from before summaries)', async () => {
    const repo = newRepo({ script: { IMPLEMENT: [{ write: { 'src/a.js': 'x\n' }, result: ok() }], REVIEW: [{ result: approve() }] } });
    const { runId, exitCode } = await startRun(repo, ['--fast']);
    expect(exitCode).toBe(0);
    const file = path.join(repo.runDir(runId), 'summary.md');
    const before = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const printed = await repo.runr(['report', runId, '--md']);
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${printed.stdout}\n`);
    // The same summary but for the time it took (measured to the run's end, so the same).
    expect(`${printed.stdout}\n`).toBe(before);
  });

  it('refuses --md with --json', async () => {
    const repo = newRepo();
    const r = await repo.runr(['report', 'latest', '--md', '--json']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/cannot be used with/);
  });
});

describe('report --md of a run not finished', () => {
  it('prints the summary so far, saying so in its first line, and writes no summary.md', async () => {
    const repo = newRepo();
    const release = path.join(repo.stateDir, 'release');
    repo.setScript({ PLAN: [{ wait_for: release, result: plan('m one') }], IMPLEMENT: [{ result: ok() }], REVIEW: [{ result: approve() }] });
    const child = execa(process.execPath, [RUNR_BIN, 'run', '--task', repo.taskPath, '--worktree', '--json'], {
      cwd: repo.dir, env: repo.env(), reject: false, stdin: 'ignore', timeout: 60_000,
    });
    try {
      const runId = await new Promise<string>((resolve) => {
        let seen = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes('\n')) resolve(JSON.parse(seen.split('\n')[0]!).run_id);
        });
      });
      const r = await repo.runr(['report', runId, '--md']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(/^> The run is not finished \([A-Z]+\): this is its summary so far\.$/);
      expect(r.stdout).toContain('# Add a greeting');
      expect(fs.existsSync(path.join(repo.runDir(runId), 'summary.md'))).toBe(false);
    } finally {
      fs.writeFileSync(release, '');
      expect((await child).exitCode).toBe(0);
    }
  });
});
