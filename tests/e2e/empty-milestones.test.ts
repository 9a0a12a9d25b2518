// A milestone whose implementer changed nothing is never checkpointed as if it had (issue 9): the next
// attempt is told no file changed, an implementer that says why no change is needed lets it through
// marked empty (no commit), and one that never changes anything stops the run.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve, ok, TestRepo } from '../helpers/harness.js';
import { promptsOf, reportOf, runToEnd } from '../helpers/e2e-support.js';

const planWith = (...milestones: { goal: string; files: string[] }[]) => ({
  milestones: milestones.map((m) => ({ goal: m.goal, files_expected: m.files, done_checks: [] })),
});

/** The transcripts of the run's IMPLEMENT calls, in order (what the worker was really sent). */
function implementTranscripts(repo: TestRepo, runId: string): string[] {
  const dir = path.join(repo.runDir(runId), 'logs');
  return fs.readdirSync(dir).filter((f) => /-implement-m\d+-a\d+\.log$/.test(f)).sort((a, b) => seq(a) - seq(b))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}
const seq = (file: string) => Number(/^e(\d+)-/.exec(file)?.[1] ?? 0);

const effectsOf = (repo: TestRepo, runId: string, kind: string) =>
  repo.events(runId).filter((e) => e.type === 'effect_started' && e.effect.kind === kind).map((e) => e.effect);

describe('an implementer that changed nothing', () => {
  it('is not verified; the next attempt is told no file changed and which files are expected, and its real change is committed', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: planWith({ goal: 'add greet', files: ['src/greet.js'] }) }],
        IMPLEMENT: [
          { keep_tree: true, result: ok('wrote src/greet.js') },
          { write: { 'src/greet.js': 'export const greet = (n) => `hello ${n}`;\n' }, result: ok('really wrote it') },
        ],
        REVIEW: [{ result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);

    const [first, second] = implementTranscripts(repo, run.runId);
    expect(first).not.toContain('changed no file');
    expect(second).toContain('# Your previous attempt changed no file');
    expect(second).toContain('Files expected for this milestone: src/greet.js');
    // Nothing was verified or reviewed for the empty attempt.
    expect(effectsOf(repo, run.runId, 'verify')).toHaveLength(1);
    expect(promptsOf(repo, 'REVIEW')).toHaveLength(1);

    const sha = repo.git('rev-parse', `runr/${run.runId}`);
    expect(repo.git('rev-parse', `${sha}^`)).toBe(main);
    expect(repo.git('show', `${sha}:src/greet.js`)).toContain('hello');
    expect(run.report.checkpoint_sha).toBe(sha);
    expect(run.report.milestone_list[0]).toMatchObject({ status: 'complete', checkpoint_sha: sha, empty: false, no_change_reason: null });
  });

  it('with a no_change_reason: verified and reviewed as it is, completed without a commit, marked empty in the report', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: planWith({ goal: 'add greet', files: ['src/greet.js'] }, { goal: 'document greet', files: ['README.md'] }) }],
        'IMPLEMENT:m1': [{ write: { 'src/greet.js': 'export const greet = (n) => `hello ${n}`;\n' }, result: ok('wrote greet') }],
        'IMPLEMENT:m2': [{ keep_tree: true, result: { status: 'ok', summary: 'nothing to do', no_change_reason: 'README.md already documents greet' } }],
        REVIEW: [{ result: approve() }],
      },
    });
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report.outcome).toBe('complete');

    // One commit, m1's: no empty commit pretends m2 did work.
    const log = repo.git('log', '--format=%H', `main..runr/${run.runId}`).split('\n').filter(Boolean);
    expect(log).toHaveLength(1);
    expect(run.report.checkpoint_sha).toBe(log[0]);
    expect(run.report.milestones).toEqual({ completed: 2, total: 2 });
    expect(run.report.milestone_list[0]).toMatchObject({ checkpoint_sha: log[0], empty: false });
    expect(run.report.milestone_list[1]).toMatchObject({
      status: 'complete', checkpoint_sha: null, empty: true, no_change_reason: 'README.md already documents greet',
    });
    // Verification and review still ran for it; the reviewer was told why nothing changed.
    expect(effectsOf(repo, run.runId, 'verify').filter((e) => e.milestone_index === 1)).toHaveLength(1);
    const review = promptsOf(repo, 'REVIEW').at(-1)!;
    expect(review).toContain('# The implementer changed no file');
    expect(review).toContain('README.md already documents greet');

    const human = await repo.runr(['report', run.runId]);
    expect(human.stdout).toContain('empty: no file changed, no commit (README.md already documents greet)');
  });

  it('again and again: a change of strategy, then the run stops with repeated_failure, nothing verified or committed', async () => {
    const repo = new TestRepo({
      script: {
        PLAN: [{ result: planWith({ goal: 'add greet', files: ['src/greet.js', 'src/index.js'] }) }],
        IMPLEMENT: [{ keep_tree: true, result: ok('done, I think') }],
        REVIEW: [{ result: approve() }],
      },
    });
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status).toMatchObject({ stop_reason: 'repeated_failure', next_action: 'inspect_logs' });
    expect(run.status.suggested_command).toBe(`runr report ${run.runId}`);
    const report = await reportOf(repo, run.runId);
    expect(report.failure_signature).toBe('IMPLEMENT | no file changed');
    expect(report.stop_detail).toBe('the implementer changed no file 4 times in a row and gave no no_change_reason (files expected: src/greet.js, src/index.js)');

    const attempts = effectsOf(repo, run.runId, 'worker').filter((e) => e.phase === 'IMPLEMENT')
      .map((e) => ({ attempt: e.attempt, change: e.change_strategy ?? false }));
    expect(attempts).toEqual([
      { attempt: 1, change: false }, { attempt: 2, change: false }, { attempt: 3, change: true }, { attempt: 4, change: true },
    ]);
    const transcripts = implementTranscripts(repo, run.runId);
    expect(transcripts.slice(1).every((t) => t.includes('Files expected for this milestone: src/greet.js, src/index.js'))).toBe(true);
    expect(transcripts[2]).toContain('Your last 2 attempts changed no file.');
    expect(effectsOf(repo, run.runId, 'verify')).toHaveLength(0);
    expect(repo.git('rev-parse', `runr/${run.runId}`)).toBe(main);

    const human = await repo.runr(['report', run.runId]);
    expect(human.stdout).toContain('The same failure, again and again: IMPLEMENT | no file changed');

    // Once the cause is fixed, resume goes on with a fifth attempt, which commits its real change.
    repo.setScript({
      PLAN: [{ result: planWith({ goal: 'add greet', files: ['src/greet.js'] }) }],
      IMPLEMENT: [{ write: { 'src/greet.js': 'export const greet = (n) => `hello ${n}`;\n' }, result: ok('wrote it') }],
      REVIEW: [{ result: approve() }],
    });
    const resumed = await repo.runr(['resume', run.runId]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(implementTranscripts(repo, run.runId).at(-1)).toContain('Your last 4 attempts changed no file.');
    expect(repo.git('show', `runr/${run.runId}:src/greet.js`)).toContain('hello');
  });
});
