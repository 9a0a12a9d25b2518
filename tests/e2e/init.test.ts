/** `runr init` (detection, --print, --force, example tasks) and `runr init --demo`, through the built CLI. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/contracts/config.js';
import { ReportOutputSchema, StartOutputSchema, StatusOutputSchema } from '../../src/contracts/outputs.js';
import { expectJsonError, plainRepo, runrIn, tempDir } from '../helpers/cli.js';
import { AGENT, git, TestRepo } from '../helpers/harness.js';

/** `init --print` in a repo holding `files`: the config it prints, checked to write nothing. */
async function printed(files: Record<string, string>, env: Record<string, string> = {}) {
  const dir = plainRepo(files);
  const r = await runrIn(dir, ['init', '--print'], env);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(fs.existsSync(path.join(dir, '.runr'))).toBe(false);
  expect(git(dir, 'status', '--porcelain')).toBe('');
  return ConfigSchema.parse(JSON.parse(r.stdout));
}

/** PATH with stand-ins for `tools` first: init keeps only commands whose programs it finds. */
function pathWith(...tools: string[]): { PATH: string } {
  const bin = path.join(tempDir(), 'bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const t of tools) fs.writeFileSync(path.join(bin, t), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
}

/** PATH without the directories holding `tool`. */
function pathWithout(tool: string): { PATH: string } {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => !fs.existsSync(path.join(d, tool)));
  return { PATH: dirs.join(path.delimiter) };
}

const pkg = (scripts: Record<string, string>, devDependencies: Record<string, string> = {}, dependencies: Record<string, string> = {}) =>
  JSON.stringify({ name: 'app', scripts, devDependencies, dependencies });

describe('init: detection (with --print, which writes nothing)', () => {
  it('npm scripts become tiers; presets come from dependencies', async () => {
    const c = await printed({
      'package.json': pkg({ typecheck: 'tsc --noEmit', lint: 'eslint .', build: 'tsc', test: 'vitest run' },
        { vitest: '^3', typescript: '^5', eslint: '^9' }, { react: '^19', next: '^15' }),
      'package-lock.json': '{}',
      'src/index.ts': 'export {};\n',
    });
    expect(c.verification).toEqual({ tier0: ['npm run typecheck', 'npm run lint'], tier1: ['npm run build'], tier2: ['npm test'] });
    expect(c.scope.presets).toEqual(expect.arrayContaining(['nextjs', 'react', 'vitest', 'typescript', 'eslint']));
    expect(c.scope.presets).not.toContain('jest');
    expect(c.scope.allowlist).toContain('src/**');
  });

  it('pnpm lockfile → pnpm commands; npm\'s placeholder test script is not a test', async () => {
    const c = await printed({
      'package.json': pkg({ build: 'tsc', test: 'echo "Error: no test specified" && exit 1' }, { jest: '^29' }),
      'pnpm-lock.yaml': 'lockfileVersion: 9\n',
    }, pathWith('pnpm'));
    expect(c.verification).toEqual({ tier0: [], tier1: ['pnpm run build'], tier2: [] });
    expect(c.scope.presets).toContain('jest');
  });

  it('Python with pytest', async () => {
    const c = await printed({
      'pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      'app/__init__.py': '',
      'tests/test_app.py': 'def test_ok():\n    assert True\n',
    }, pathWith('python'));
    expect(c.verification.tier2).toEqual(['python -m pytest']);
    expect(c.scope.presets).toEqual(expect.arrayContaining(['python', 'pytest']));
    expect(c.scope.allowlist).toEqual(expect.arrayContaining(['app/**', 'tests/**']));
  });

  it('Go module, and a Makefile test target', async () => {
    const go = await printed({ 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n' }, pathWith('go'));
    expect(go.verification).toEqual({ tier0: ['go vet ./...'], tier1: ['go build ./...'], tier2: ['go test ./...'] });
    expect(go.scope.presets).toContain('go');
    const make = await printed({ Makefile: 'CC := cc\n\nbuild:\n\tcc -o app main.c\n\ntest: build\n\t./app --self-test\n' });
    expect(make.verification.tier2).toEqual(['make test']);
  });

  it('leaves out the commands whose program is not installed, and says so on stderr', async () => {
    const files = { 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n' };
    const dir = plainRepo(files);
    const r = await runrIn(dir, ['init', '--print'], pathWithout('go'));
    expect(r.exitCode, r.stderr).toBe(0);
    const c = ConfigSchema.parse(JSON.parse(r.stdout));
    expect(c.verification).toEqual({ tier0: [], tier1: [], tier2: [] });
    expect(c.scope.presets).toContain('go');
    expect(r.stderr).toMatch(/go not found .*"go test \.\/\.\.\."/);
    // Python with ruff configured but not installed: pytest is kept, ruff is left out.
    const py = await printed({
      'pyproject.toml': '[project]\nname = "app"\n\n[tool.ruff]\nline-length = 100\n\n[tool.pytest.ini_options]\n',
      'app/__init__.py': '',
    }, { PATH: pathWith('python').PATH.split(path.delimiter).filter((d) => !fs.existsSync(path.join(d, 'ruff'))).join(path.delimiter) });
    expect(py.verification).toEqual({ tier0: [], tier1: [], tier2: ['python -m pytest'] });
  });

  it('an empty project prints a valid config with a note (on stderr) to fill in verification', async () => {
    const dir = plainRepo({ 'README.md': '# nothing here\n' });
    const r = await runrIn(dir, ['init', '--print']);
    expect(r.exitCode).toBe(0);
    const c = ConfigSchema.parse(JSON.parse(r.stdout));
    expect(c.verification).toEqual({ tier0: [], tier1: [], tier2: [] });
    expect(r.stderr).toMatch(/verification/);
    expect(fs.existsSync(path.join(dir, '.runr'))).toBe(false);
  });
});

describe('init: writing', () => {
  it('writes the printed config and example tasks, hides .runr/ from git status, refuses to overwrite without --force', async () => {
    const dir = plainRepo({ 'package.json': pkg({ test: 'node --test' }, { typescript: '^5' }) });
    const preview = (await runrIn(dir, ['init', '--print'])).stdout;
    const r = await runrIn(dir, ['init']);
    expect(r.exitCode, r.stderr).toBe(0);
    const configPath = path.join(dir, '.runr', 'runr.config.json');
    const written = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    expect(written).toEqual(JSON.parse(preview));
    expect(ConfigSchema.parse(written).verification.tier2).toEqual(['npm test']);
    const tasks = fs.readdirSync(path.join(dir, '.runr', 'tasks')).filter((f) => f.endsWith('.md'));
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) expect(fs.readFileSync(path.join(dir, '.runr', 'tasks', t), 'utf8')).toMatch(/^## Goal$/m);
    expect(r.stdout).toContain('runr run --task .runr/tasks/');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');

    // Again without --force: exit 2, the config untouched.
    fs.writeFileSync(configPath, '{"agent":{"name":"mine"}}\n');
    const again = await runrIn(dir, ['init', '--json']);
    expect(expectJsonError(again, 2).message).toContain('--force');
    expect(fs.readFileSync(configPath, 'utf8')).toBe('{"agent":{"name":"mine"}}\n');
    const human = await runrIn(dir, ['init']);
    expect(human.exitCode).toBe(2);
    expect(human.stderr).toContain('--force');

    const forced = await runrIn(dir, ['init', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(configPath, 'utf8'))).toEqual(JSON.parse(preview));
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');

    // --interactive is a stub: says so, writes nothing.
    fs.rmSync(path.join(dir, '.runr'), { recursive: true });
    const wizard = await runrIn(dir, ['init', '--interactive']);
    expect(wizard.exitCode).toBe(0);
    expect(wizard.stdout).toMatch(/coming soon/i);
    expect(fs.existsSync(configPath)).toBe(false);
  });

  it('what init writes is usable as is: an example task runs to completion with it', async () => {
    const repo = new TestRepo({ noConfig: true, files: { 'package.json': pkg({ test: 'node check.js' }) } });
    fs.rmSync(path.join(repo.dir, '.runr'), { recursive: true });
    const r = await repo.runr(['init', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const configPath = path.join(repo.dir, '.runr', 'runr.config.json');
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    const worker = { type: 'command', command: ['node', AGENT] };
    config.workers = { planner: worker, implementer: worker, reviewer: worker };
    config.sandbox_writable = [repo.stateDir]; // where the scripted agent keeps its state
    fs.writeFileSync(configPath, JSON.stringify(config));
    const task = path.join('.runr', 'tasks', fs.readdirSync(path.join(repo.dir, '.runr', 'tasks')).sort()[0]!);
    const run = await repo.runr(['run', '--task', task, '--worktree', '--fast', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const { run_id } = StartOutputSchema.parse(JSON.parse(run.stdout.split('\n')[0]!));
    expect((await repo.runr(['status', run_id])).json(StatusOutputSchema).stop_reason).toBe('complete');
  });
});

describe('init --demo', () => {
  const FAST = { DEMO_FAST: '1' };

  it('creates a git repo whose run completes with 2 checkpoints', async () => {
    const dir = path.join(tempDir(), 'demo');
    const init = await runrIn(tempDir(), ['init', '--demo', '--repo', dir]);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    // The printed command names a task file that exists.
    const task = /--task (\S+)/.exec(init.stdout)?.[1];
    expect(task, init.stdout).toBeTruthy();
    expect(fs.existsSync(path.resolve(dir, task!))).toBe(true);

    const run = await runrIn(dir, ['run', '--task', task!, '--worktree', '--json'], FAST, 120_000);
    expect(run.exitCode, run.stderr).toBe(0);
    const { run_id: runId } = StartOutputSchema.parse(JSON.parse(run.stdout.split('\n')[0]!));
    const rep = (await runrIn(dir, ['report', runId, '--json'])).json(ReportOutputSchema);
    expect(rep).toMatchObject({ outcome: 'complete', milestones: { completed: 2, total: 2 }, next_action: 'none' });
    expect(rep.verify.retries).toBeGreaterThanOrEqual(1); // the demo's first slugify() attempt fails on purpose
    expect(git(dir, 'rev-list', '--count', `main..runr/${runId}`)).toBe('2');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('with DEMO_BREAK=1 stops with verification_failed_max_retries; resume (without DEMO_BREAK) completes it', async () => {
    const dir = path.join(tempDir(), 'demo');
    const init = await runrIn(tempDir(), ['init', '--demo', '--repo', dir, '--json']);
    expect(init.exitCode, init.stderr).toBe(0);
    // --json prints a command that runs the demo from anywhere.
    const { demo_dir, task, command } = init.json<{ demo_dir: string; task: string; command: string }>();
    expect(demo_dir).toBe(dir);
    expect(fs.existsSync(task)).toBe(true);
    const [bin, ...args] = command.split(' ');
    expect(bin).toBe('runr');
    const run = await runrIn(tempDir(), [...args, '--json'], { ...FAST, DEMO_BREAK: '1' }, 120_000);
    expect(run.exitCode, run.stderr).toBe(1);
    const { run_id: runId } = StartOutputSchema.parse(JSON.parse(run.stdout.split('\n')[0]!));
    const stopped = (await runrIn(dir, ['report', runId, '--json'])).json(ReportOutputSchema);
    expect(stopped).toMatchObject({
      outcome: 'stopped', stop_reason: 'verification_failed_max_retries', next_action: 'resume',
      suggested_command: `runr resume ${runId}`, milestones: { completed: 0, total: 2 },
    });
    expect(stopped.verification_failure?.excerpt).toBeTruthy();

    const resumed = await runrIn(dir, ['resume', runId, '--json'], FAST, 120_000);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const done = (await runrIn(dir, ['report', runId, '--json'])).json(ReportOutputSchema);
    expect(done).toMatchObject({ outcome: 'complete', milestones: { completed: 2, total: 2 } });
    expect(git(dir, 'rev-list', '--count', `main..runr/${runId}`)).toBe('2');
  });

  it('refuses a non-empty directory (exit 2) and leaves it alone', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine\n');
    const e = expectJsonError(await runrIn(tempDir(), ['init', '--demo', '--repo', dir, '--json']), 2);
    expect(e.message).toContain(dir);
    expect(fs.readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('the demo README\'s commands name the task file the demo actually has', async () => {
    const dir = path.join(tempDir(), 'demo');
    expect((await runrIn(tempDir(), ['init', '--demo', '--repo', dir])).exitCode).toBe(0);
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    const mentioned = [...readme.matchAll(/\.runr\/tasks\/[\w.-]+\.md/g)].map((m) => m[0]);
    expect(mentioned.length).toBeGreaterThan(0);
    for (const file of new Set(mentioned)) expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
  });
});
