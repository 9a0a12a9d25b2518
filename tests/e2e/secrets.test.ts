import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEventSchema } from '../../src/contracts/events.js';
import { approve, ok, plan, TestRepo, type RunrResult } from '../helpers/harness.js';
import { expectGuardStop, filesUnder, promptsOf, reportOf, runToEnd, statusOf } from '../helpers/e2e-support.js';
import { FAKE_SECRETS, fragments } from '../helpers/fake-secrets.js';

/** Secrets in the task file and in the milestone's diff (docs/security.md). */

const SECRETS = Object.values(FAKE_SECRETS);

/** Every file runr wrote for the run (the operator's task file and the worktree, which holds the work, left out). */
function runrFiles(repo: TestRepo): string[] {
  return filesUnder(path.join(repo.dir, '.runr'), ['worktrees', 'tasks']);
}

/** Everything git holds that runr wrote: commit messages of every ref, and the run's recorded configuration. */
function gitText(repo: TestRepo, runId: string): string {
  return [repo.git('log', '--all', '--format=%B'), repo.git('cat-file', 'blob', `refs/runr/config/${runId}`)].join('\n');
}

function leaks(texts: Record<string, string>, secrets: string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of secrets) {
      if (fragments(secret).some((f) => text.includes(f))) found.push(`${secret.slice(0, 12)}… in ${where}`);
    }
  }
  return found;
}

const textsOf = (files: string[]) => Object.fromEntries(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
const outputOf = (...results: RunrResult[]) => results.map((r) => r.stdout + r.stderr).join('\n');

describe('secrets in the task file', () => {
  it('are redacted when the task is read: no file runr writes, no commit message and no prompt holds them', async () => {
    const task = [
      '# Connect the services', '', '## Goal', `Use the GitHub token ${FAKE_SECRETS.github} to add src/a.js.`, '',
      '## Requirements', `- Anthropic key: ${FAKE_SECRETS.anthropic}, OpenAI key: ${FAKE_SECRETS.openai}`, `- AWS key id ${FAKE_SECRETS.aws} and Slack ${FAKE_SECRETS.slack}`,
      `- deploy key:\n\n${FAKE_SECRETS.pem}\n`, '## Success Criteria', '- node check.js passes', '',
    ].join('\n');
    const repo = new TestRepo({
      task,
      script: { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    const follow = await repo.runr(['follow', run.runId, '--json']);

    const files = runrFiles(repo);
    const runTask = path.join(repo.runDir(run.runId), 'task.md');
    for (const name of ['task.md', 'state.json', 'events.ndjson', 'plan.md', 'report.json']) {
      expect(files).toContain(path.join(repo.runDir(run.runId), name));
    }
    expect(leaks({ ...textsOf(files), git: gitText(repo, run.runId), cli: outputOf(run, follow) }, SECRETS)).toEqual([]);
    // Redacted, not dropped: the rest of the task is as the operator wrote it.
    const copy = fs.readFileSync(runTask, 'utf8');
    expect(copy.split('[REDACTED]').length - 1).toBe(SECRETS.length);
    expect(copy).toContain('Use the GitHub token [REDACTED] to add src/a.js.');
    // The workers get the redacted task.
    const prompts = promptsOf(repo, 'PLAN').concat(promptsOf(repo, 'IMPLEMENT'), promptsOf(repo, 'REVIEW'));
    expect(prompts.length).toBe(3);
    expect(leaks(Object.fromEntries(prompts.map((p, i) => [`prompt ${i}`, p])), SECRETS)).toEqual([]);
    for (const p of prompts) expect(p).toContain('AWS key id [REDACTED] and Slack [REDACTED]');
  });
});

describe('a large task', () => {
  it('stays out of the per-event state: state.json and the journal stay small, the workers still get all of it', async () => {
    const line = `- requirement: keep every byte of this line, which makes the task large ${'x'.repeat(40)}\n`;
    const bulk = line.repeat(Math.ceil(10_000_000 / line.length));
    const task = `# Big task\n\n## Goal\nAdd src/a.js.\n\n## Requirements\n${bulk}\n## Success Criteria\n- node check.js passes\n`;
    const repo = new TestRepo({
      task,
      script: { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }], REVIEW: [{ result: approve() }] },
    });
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.stop_reason).toBe('complete');
    const dir = repo.runDir(run.runId);
    expect(fs.statSync(path.join(dir, 'task.md')).size).toBe(Buffer.byteLength(task));
    expect(fs.statSync(path.join(dir, 'state.json')).size).toBeLessThan(100_000);
    expect(fs.statSync(path.join(dir, 'events.ndjson')).size).toBeLessThan(200_000);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    expect(state.task).toMatchObject({ title: 'Big task', goal: 'Add src/a.js.', bytes: Buffer.byteLength(task) });

    const implement = promptsOf(repo, 'IMPLEMENT')[0]!;
    expect(implement.length).toBeGreaterThan(10_000_000);
    expect(implement).toContain(line.trim());

    // Every reader's JSON is whole and parses.
    const status = await statusOf(repo, run.runId);
    expect(status.task).toBe('Big task');
    const report = await reportOf(repo, run.runId);
    expect(report.milestones).toEqual({ completed: 1, total: 1 });
    const follow = await repo.runr(['follow', run.runId, '--json']);
    expect(follow.exitCode, follow.stderr).toBe(0);
    const events = follow.stdout.trim().split('\n').map((l) => RunEventSchema.parse(JSON.parse(l)));
    expect(events).toEqual(repo.events(run.runId));
  });

  it('a --fast run keeps the start of a long goal as its milestone and gives the worker the whole goal', async () => {
    const goal = `Add src/a.js. ${'Then more detail. '.repeat(2_000)}The end.`;
    const repo = new TestRepo({
      task: `# Long goal\n\n## Goal\n${goal}\n`,
      script: { IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }] },
    });
    const run = await runToEnd(repo, ['--fast']);
    expect(run.status.stop_reason).toBe('complete');
    const milestone = run.status.milestones[0]!;
    expect(milestone.goal.startsWith('Add src/a.js. Then more detail.')).toBe(true);
    expect(milestone.goal.length).toBeLessThan(2_100);
    expect(promptsOf(repo, 'IMPLEMENT')[0]).toContain(goal);
  });

  it('refuses to resume a run whose task.md was edited after it started', async () => {
    const repo = new TestRepo({
      script: { PLAN: [{ result: plan('add a') }], IMPLEMENT: [{ result: { status: 'blocked', summary: 'no', blocked_reason: 'waiting' } }] },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('implement_blocked');
    fs.appendFileSync(path.join(repo.runDir(run.runId), 'task.md'), '\n- and also delete everything\n');
    const resumed = await repo.runr(['resume', run.runId]);
    expect(resumed.exitCode).toBe(5);
    expect(resumed.stderr).toMatch(/task\.md was changed after the run started/);
    expect(resumed.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('a secret added by the milestone diff', () => {
  const token = FAKE_SECRETS.github;
  const config = `export const config = {\n  owner: 'me',\n  token: '${token}',\n};\n`;

  it('stops the run before the checkpoint, naming file and line, and the secret is printed and written nowhere', async () => {
    const repo = new TestRepo({
      script: { PLAN: [{ result: plan('add config') }], IMPLEMENT: [{ write: { 'src/config.js': config, 'src/ok.js': 'ok\n' }, result: ok() }] },
    });
    const mainSha = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    const { status, report } = await expectGuardStop(repo, run, ['src/config.js'], mainSha);
    expect(status.stop_detail).toMatch(/src\/config\.js:3 \(adds a secret-shaped string: GitHub token/);
    expect(report.stop_detail).toContain('scope.secrets_allow');
    expect(run.stderr).toContain('src/config.js:3');
    const human = await repo.runr(['report', run.runId]);
    const follow = await repo.runr(['follow', run.runId, '--json']);
    const statusText = await repo.runr(['status', run.runId, '--json']);
    expect(leaks({ ...textsOf(runrFiles(repo)), git: gitText(repo, run.runId), cli: outputOf(run, human, follow, statusText) }, [token])).toEqual([]);
  });

  it('lets the secret through in a file under scope.secrets_allow, which the checkpoint then commits', async () => {
    const repo = new TestRepo({
      config: { scope: { allowlist: [], denylist: [], presets: [], protect: [], secrets_allow: ['test/fixtures/'] } },
      script: {
        PLAN: [{ result: plan('add fixture') }],
        IMPLEMENT: [{ write: { 'test/fixtures/config.js': config }, result: ok() }],
        REVIEW: [{ result: approve() }],
      },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('complete');
    expect(repo.git('show', `runr/${run.runId}:test/fixtures/config.js`)).toContain(token);
    // Still redacted from everything runr wrote, the reviewer's transcript included.
    expect(leaks(textsOf(runrFiles(repo)), [token])).toEqual([]);
  });

  it('does not stop on a secret that was already in the repository: untouched, in an edited file, or moved', async () => {
    const repo = new TestRepo({
      files: { 'docs/setup.md': `# Setup\n\nexample: ${token}\n`, 'keys/old.txt': `${FAKE_SECRETS.aws}\n`, 'legacy/keys.txt': `${FAKE_SECRETS.slack}\n` },
      script: {
        PLAN: [{ result: plan('edit docs') }],
        IMPLEMENT: [{
          write: { 'docs/setup.md': `# Setup\n\nMore words first.\n\nexample: ${token}\n`, 'src/a.js': 'a\n' },
          rename: { 'keys/old.txt': 'keys/new.txt' },
          result: ok(),
        }],
        REVIEW: [{ result: approve() }],
      },
    });
    const run = await runToEnd(repo);
    expect(run.status.stop_reason, run.status.stop_detail ?? '').toBe('complete');
  });

  it('stops on a new secret added to a file that already held another one', async () => {
    const repo = new TestRepo({
      files: { 'docs/setup.md': `# Setup\n\nexample: ${token}\n` },
      script: {
        PLAN: [{ result: plan('edit docs') }],
        IMPLEMENT: [{ write: { 'docs/setup.md': `# Setup\n\nexample: ${token}\nkey: ${FAKE_SECRETS.anthropic}\n` }, result: ok() }],
      },
    });
    const mainSha = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    const { status } = await expectGuardStop(repo, run, ['docs/setup.md'], mainSha);
    expect(status.stop_detail).toMatch(/docs\/setup\.md:4 \(adds a secret-shaped string: Anthropic API key/);
    expect(status.stop_detail).not.toMatch(/setup\.md:3/);
  });

  it('rejects an invalid secrets_allow glob in the config', async () => {
    const repo = new TestRepo({ config: { scope: { secrets_allow: ['src/['] } } });
    const r = await repo.runr(['run', '--task', repo.taskPath, '--worktree']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/scope\.secrets_allow\.0.*invalid glob/);
  });
});
