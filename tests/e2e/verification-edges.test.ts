import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve, ok, plan, TestRepo } from '../helpers/harness.js';
import { agentProcesses, expectNothingCommitted, promptsOf, runToEnd } from '../helpers/e2e-support.js';

/** VERIFY at its edges: a program that is not installed, and commands that leave background jobs behind. */

const oneMilestone = () => ({
  PLAN: [{ result: plan('the change') }],
  IMPLEMENT: [{ write: { 'src/a.js': 'a\n' }, result: ok() }],
  REVIEW: [{ result: approve() }],
});

const withTier2 = (tier2: string[], files: Record<string, string> = {}) => new TestRepo({
  files,
  config: {
    verification: { tier0: [], tier1: [], tier2 },
    limits: { max_verify_retries: 3, stall_timeout_s: 30, worker_timeout_s: 60, verify_timeout_s: 60, result_grace_s: 1 },
  },
  script: oneMilestone(),
});

describe('a verification program that is not installed', () => {
  it('stops after one attempt with verification_command_missing (fix_config), naming the command and the program', async () => {
    const repo = withTier2(['definitely-not-installed-xyz --check']);
    const main = repo.git('rev-parse', 'main');
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.status.stop_reason).toBe('verification_command_missing');
    expect(run.status.next_action).toBe('fix_config');
    expect(run.status.suggested_command).toMatch(/^# /);
    expect(run.status.suggested_command).toContain('definitely-not-installed-xyz');
    expect(run.status.stop_detail).toContain('definitely-not-installed-xyz --check');
    expect(run.report).toMatchObject({ stop_reason: 'verification_command_missing', next_action: 'fix_config' });
    expect(run.report.suggested_command).toBe(run.status.suggested_command);
    expect(run.report.verify.attempts).toBe(1);
    expect(run.status.verification_failures).toBe(0);
    expect(promptsOf(repo, 'IMPLEMENT')).toHaveLength(1); // no fix attempt
    expectNothingCommitted(repo, run.runId, main);
  });

  it('a missing program later in the line (after cd) is found too', async () => {
    const repo = withTier2(['cd src && definitely-not-installed-xyz']);
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('verification_command_missing');
    expect(run.status.suggested_command).toContain('definitely-not-installed-xyz');
  });

  it('a script that exits 127 by itself is an ordinary failed verification', async () => {
    const repo = withTier2(['node exit127.js'], { 'exit127.js': "console.error('sh: 1: something: not found'); process.exit(127);\n" });
    const run = await runToEnd(repo);
    expect(run.exitCode).toBe(1);
    expect(run.status.stop_reason).toBe('verification_failed_max_retries');
    expect(run.report.verification_failure).toMatchObject({ command: 'node exit127.js', exit_code: 127 });
    expect(promptsOf(repo, 'IMPLEMENT')).toHaveLength(3);
  });

  it('resume after installing the program runs the verification again and completes', async () => {
    const repo = withTier2(['definitely-not-installed-xyz --check']);
    const run = await runToEnd(repo);
    expect(run.status.stop_reason).toBe('verification_command_missing');
    const bin = path.join(repo.stateDir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'definitely-not-installed-xyz'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const resumed = await repo.runr(['resume', run.runId, '--json'], { env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(promptsOf(repo, 'IMPLEMENT')).toHaveLength(1);
  });
});

describe('a command that leaves a background job holding its output', () => {
  it.each(['(sleep 200 &); echo started', 'sleep 200 & echo started'])('%s passes promptly, and the job is ended', async (command) => {
    const repo = withTier2([command]);
    const started = Date.now();
    const run = await runToEnd(repo);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.status.stop_reason).toBe('complete');
    expect(run.report.verify.attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000); // verify_timeout_s is 60
    expect(agentProcesses(repo)).toEqual([]);
  });
});
