// `runr doctor` end to end: the built CLI checking the real Claude Code, Codex and Gemini CLIs
// (pinned devDependencies), each pointed at its fake model API on 127.0.0.1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DoctorOutputSchema, type DoctorCheck } from '../../src/contracts/outputs.js';
import type { Model } from '../fakes/model.js';
import { AGENT, ROOT, TestRepo } from '../helpers/harness.js';
import { CLI_BIN, closedAfterEach, fakeClaude, fakeCodex, fakeGemini, writeWorkers } from '../helpers/real-clis.js';

const servers = closedAfterEach();

const cliVersion = (pkg: string): string =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;

/** Answers runr doctor's ping prompt with exactly what it asks for, anything else with nonsense. */
const pingModel: Model = (c) => ({ kind: 'answer', text: c.prompt.includes('Reply with exactly this JSON object') ? '{"ok":true}' : 'unexpected prompt' });
const refuse: Model = () => ({ kind: 'http_error', status: 401 });

/** The scripted agent: a `command` worker whose program (node) exists. */
const COMMAND_WORKER = { type: 'command', command: ['node', AGENT] };
/** Credentials the test's own environment must not lend to a worker whose credentials should be missing. */
const NO_CLAUDE_KEYS = { ANTHROPIC_API_KEY: '', CLAUDE_CODE_OAUTH_TOKEN: '', ANTHROPIC_AUTH_TOKEN: '' };

/** PATH without node_modules/.bin (where npx/vitest put the pinned worker CLIs). */
const PATH_WITHOUT_CLIS = (process.env.PATH ?? '').split(path.delimiter).filter((p) => !p.includes('node_modules')).join(path.delimiter);

async function doctor(repo: TestRepo, args: string[] = [], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = await repo.runr(['doctor', '--json', ...args], { ...opts, timeoutMs: 120_000 });
  const out = r.json(DoctorOutputSchema);
  const names = out.checks.map((c) => c.name);
  const check = (name: string): DoctorCheck => {
    const found = out.checks.find((c) => c.name === name);
    if (!found) throw new Error(`no check "${name}" among:\n${names.join('\n')}\nstderr:\n${r.stderr}`);
    return found;
  };
  return { ...r, out, names, check };
}

/** The check of the default test config's verification command (`node check.js`). */
const NODE_CHECK = 'verification tier2: node check.js';
const workerChecks = (label: string, ...kinds: string[]) => kinds.map((k) => `${label}: ${k}`);
const CLI_CHECKS = ['installed', 'headless', 'credentials'];

/** The transcript a failed ping keeps for the user; the test removes it once checked. */
function expectKeptTranscript(check: DoctorCheck): void {
  const log = /\(transcript: (.+)\)$/.exec(check.detail)?.[1];
  expect(log && fs.existsSync(log), check.detail).toBe(true);
  fs.rmSync(path.dirname(log!), { recursive: true, force: true });
}

describe('runr doctor: a healthy setup', () => {
  it('checks node, git, the repo, the config and each of claude, codex and gemini: all ok, exit 0', async () => {
    const repo = new TestRepo();
    const claude = await fakeClaude(repo, pingModel);
    const codex = await fakeCodex(repo, pingModel);
    const gemini = await fakeGemini(repo, pingModel);
    servers.push(claude.server, codex.server, gemini.server);
    writeWorkers(repo, { planner: claude.worker, implementer: codex.worker, reviewer: gemini.worker });

    const r = await doctor(repo);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.out.ok).toBe(true);
    expect(r.out.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(r.names).toEqual([
      'node', 'git', 'repository', 'config', 'sandbox',
      ...workerChecks('planner worker (claude)', ...CLI_CHECKS),
      ...workerChecks('implementer worker (codex)', ...CLI_CHECKS, 'own sandbox'),
      ...workerChecks('reviewer worker (gemini)', ...CLI_CHECKS),
      NODE_CHECK,
    ]);
    // Codex's own sandbox really wrote a file; runs here confine Codex with runr's sandbox instead.
    expect(r.check('implementer worker (codex): own sandbox').detail).toMatch(/can write in a workspace \(not used here: runr confines Codex itself/);
    expect(r.check('node').detail).toContain(process.versions.node);
    expect(r.check('git').detail).toMatch(/^git version /);
    expect(r.check('repository').detail).toBe(repo.dir);
    expect(r.check('config').detail).toContain(path.join(repo.dir, '.runr', 'runr.config.json'));
    expect(r.check('planner worker (claude): installed').detail).toContain(cliVersion('@anthropic-ai/claude-code'));
    expect(r.check('implementer worker (codex): installed').detail).toContain(cliVersion('@openai/codex'));
    expect(r.check('reviewer worker (gemini): installed').detail).toContain(cliVersion('@google/gemini-cli'));
    expect(r.check('planner worker (claude): credentials').detail).toBe('ANTHROPIC_API_KEY is set');
    // The fake Codex setup is a custom model provider whose key comes from its own env_key.
    expect(r.check('implementer worker (codex): credentials').detail).toContain('RUNR_FAKE_OPENAI_KEY is set');
    // Without --ping no model is called.
    expect([claude, codex, gemini].flatMap((c) => c.server.requests.filter((q) => q.agentTurn))).toEqual([]);

    const human = await repo.runr(['doctor'], { timeoutMs: 120_000 });
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).not.toMatch(/\x1b\[/);
    expect(human.stdout).toContain(`ok    node: Node.js ${process.versions.node}`);
    expect(human.stdout).toMatch(/^ok {4}implementer worker \(codex\): installed: .*codex-cli/m);
    expect(human.stdout).not.toContain('fail');
    expect(human.stdout).toContain('Everything a run needs is in place.');
    expect(human.stdout).toContain('"runr doctor --ping"');
  });

  it('checks a worker that several roles share once, under all their names; a command worker whose program exists is ok', async () => {
    const repo = new TestRepo();
    const claude = await fakeClaude(repo, pingModel);
    servers.push(claude.server);
    writeWorkers(repo, { planner: claude.worker, implementer: COMMAND_WORKER, reviewer: claude.worker });

    const r = await doctor(repo);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.names.slice(5)).toEqual([
      ...workerChecks('planner+reviewer worker (claude)', ...CLI_CHECKS),
      'implementer worker (command): installed',
      NODE_CHECK,
    ]);
    expect(r.check('implementer worker (command): installed')).toMatchObject({ status: 'ok', detail: expect.stringContaining('node found') });
  });
});

describe('runr doctor: what fails, with its fix', () => {
  it('fails credentials that are neither in the env nor in a login file, naming the env var and the login step; exit 1', async () => {
    const repo = new TestRepo();
    const claude = await fakeClaude(repo, pingModel, { extraEnv: NO_CLAUDE_KEYS });
    const codex = await fakeCodex(repo, pingModel);
    const gemini = await fakeGemini(repo, pingModel);
    servers.push(claude.server, codex.server, gemini.server);
    const blank = (worker: Record<string, unknown>, vars: string[]) =>
      ({ ...worker, env: { ...(worker.env as object), ...Object.fromEntries(vars.map((v) => [v, ''])) } });
    writeWorkers(repo, {
      planner: claude.worker,
      implementer: blank(codex.worker, ['CODEX_API_KEY', 'RUNR_FAKE_OPENAI_KEY']),
      reviewer: blank(gemini.worker, ['GEMINI_API_KEY', 'GOOGLE_API_KEY']),
    });

    const r = await doctor(repo);
    expect(r.exitCode).toBe(1);
    expect(r.out.ok).toBe(false);
    const claudeCreds = r.check('planner worker (claude): credentials');
    expect(claudeCreds.status).toBe('fail');
    expect(claudeCreds.fix).toContain('ANTHROPIC_API_KEY');
    expect(claudeCreds.fix).toContain('/login');
    expect(r.check('planner worker (claude): installed').status).toBe('ok');
    expect(r.check('planner worker (claude): headless').status).toBe('ok');
    // Codex's custom provider reads its key from RUNR_FAKE_OPENAI_KEY: that is the var to set.
    expect(r.check('implementer worker (codex): credentials')).toMatchObject({ status: 'fail', fix: expect.stringContaining('RUNR_FAKE_OPENAI_KEY') });
    const geminiCreds = r.check('reviewer worker (gemini): credentials');
    expect(geminiCreds).toMatchObject({ status: 'fail', fix: expect.stringContaining('GEMINI_API_KEY') });
    expect(geminiCreds.fix).toContain('Login with Google');
    expect(r.out.checks.filter((c) => c.status === 'fail')).toHaveLength(3);

    // A login file where the CLI keeps it is enough.
    fs.writeFileSync(path.join(claude.home, '.claude', '.credentials.json'), '{}\n');
    const again = await doctor(repo);
    expect(again.check('planner worker (claude): credentials')).toMatchObject({ status: 'ok', detail: expect.stringContaining('.credentials.json') });
  });

  it('fails "installed" for a bin that does not exist, naming the npm package, and checks that worker no further', async () => {
    const repo = new TestRepo();
    writeWorkers(repo, {
      planner: { type: 'claude', bin: path.join(repo.dir, 'no-such-claude'), env: NO_CLAUDE_KEYS },
      implementer: COMMAND_WORKER,
      reviewer: { type: 'gemini', bin: path.join(repo.dir, 'no-such-gemini') },
    });

    const r = await doctor(repo);
    expect(r.exitCode).toBe(1);
    expect(r.names.slice(5)).toEqual([
      'planner worker (claude): installed', 'implementer worker (command): installed', 'reviewer worker (gemini): installed',
      NODE_CHECK,
    ]);
    const claude = r.check('planner worker (claude): installed');
    expect(claude).toMatchObject({ status: 'fail', detail: expect.stringContaining('no-such-claude') });
    expect(claude.fix).toContain('@anthropic-ai/claude-code');
    expect(r.check('reviewer worker (gemini): installed').fix).toContain('@google/gemini-cli');
  });

  it('fails a command worker whose program is not on PATH or not at its path', async () => {
    const repo = new TestRepo();
    const missing = path.join(repo.dir, 'bin', 'no-such-agent');
    writeWorkers(repo, {
      planner: COMMAND_WORKER,
      implementer: { type: 'command', command: ['runr-no-such-program-xyz', '--flag'] },
      reviewer: { type: 'command', command: [missing] },
    });

    const r = await doctor(repo);
    expect(r.exitCode).toBe(1);
    expect(r.check('planner worker (command): installed').status).toBe('ok');
    expect(r.check('implementer worker (command): installed')).toMatchObject({ status: 'fail', detail: expect.stringContaining('runr-no-such-program-xyz') });
    expect(r.check('reviewer worker (command): installed')).toMatchObject({ status: 'fail', detail: expect.stringContaining(missing) });
    expect(r.check('reviewer worker (command): installed').fix).toBeTruthy();
  });

  it('fails the config check when there is no config file, with "runr init" as the fix', async () => {
    const repo = new TestRepo({ noConfig: true });
    // The default workers (claude, codex) are then checked: keep the pinned CLIs off PATH so no real one runs in the real HOME.
    const r = await doctor(repo, [], { env: { PATH: PATH_WITHOUT_CLIS } });
    expect(r.exitCode).toBe(1);
    expect(r.check('repository').status).toBe('ok');
    expect(r.check('config')).toMatchObject({ status: 'fail', fix: expect.stringContaining('runr init') });
  });

  it('fails the repository check outside a git repository, without a stack trace; exit 1', async () => {
    const repo = new TestRepo();
    writeWorkers(repo, { planner: COMMAND_WORKER, implementer: COMMAND_WORKER, reviewer: COMMAND_WORKER });
    const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-not-a-repo-')));
    const config = path.join(repo.dir, '.runr', 'runr.config.json');

    const r = await doctor(repo, ['--repo', outside, '--config', config]);
    expect(r.exitCode).toBe(1);
    expect(r.check('repository')).toMatchObject({ status: 'fail', detail: expect.stringContaining(outside), fix: expect.stringContaining('git init') });
    expect(r.out.checks.filter((c) => c.status !== 'ok').map((c) => c.name)).toEqual(['repository']);
    expect(r.stderr).toBe('');

    // An empty .git (Codex's sandbox makes /tmp/.git as a mount point while its commands run) is no repository.
    fs.mkdirSync(path.join(outside, '.git'));
    const human = await repo.runr(['doctor'], { cwd: outside, env: { PATH: PATH_WITHOUT_CLIS } });
    expect(human.exitCode).toBe(1);
    expect(human.stdout, human.stdout).toMatch(/^fail {2}repository: .* is not inside a git repository$/m);
    expect(human.stdout).toMatch(/^ {6}fix: Run "git init"/m);
    expect(human.stdout).toContain('Some checks failed');
    expect(`${human.stdout}\n${human.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+/);
    fs.rmSync(outside, { recursive: true, force: true });
  });
});

describe("runr doctor: Codex's own sandbox", () => {
  /** Codex itself, started where no process may create user namespaces (as in some locked-down containers). */
  function codexWithoutUserNamespaces(repo: TestRepo): string {
    const wrapper = path.join(repo.stateDir, 'codex-no-userns');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec bwrap --dev-bind / / --unshare-user --disable-userns -- '${CLI_BIN('codex')}' "$@"\n`, { mode: 0o755 });
    return wrapper;
  }
  function setSandbox(repo: TestRepo, mode: 'off' | 'auto'): void {
    const file = path.join(repo.dir, '.runr', 'runr.config.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), sandbox: mode }));
  }

  it('fails when runs depend on it (runr\'s sandbox off) and it cannot write, saying what to change; warns when runr confines Codex itself', async () => {
    const repo = new TestRepo();
    const codex = await fakeCodex(repo, pingModel);
    servers.push(codex.server);
    const worker = { ...codex.worker, bin: codexWithoutUserNamespaces(repo) };
    writeWorkers(repo, { planner: COMMAND_WORKER, implementer: worker, reviewer: COMMAND_WORKER });
    setSandbox(repo, 'off');

    const off = await doctor(repo);
    const name = 'implementer worker (codex): own sandbox';
    expect(off.check('implementer worker (codex): installed').status).toBe('ok');
    expect(off.check(name)).toMatchObject({ status: 'fail' });
    expect(off.check(name).detail).toContain('cannot write in a workspace');
    expect(off.check(name).detail).toContain('every file change Codex makes in a run would fail');
    expect(off.check(name).fix).toMatch(/install bubblewrap.*unprivileged user namespaces/);
    expect(off.exitCode).toBe(1);

    setSandbox(repo, 'auto');
    const confined = await doctor(repo);
    expect(confined.check('sandbox').status).toBe('ok');
    expect(confined.check(name).status).toBe('warn');
    expect(confined.check(name).detail).toContain('runs here do not use it');
  });

  it('is not run when skip_permissions turns it off', async () => {
    const repo = new TestRepo();
    const codex = await fakeCodex(repo, pingModel, { skip_permissions: true });
    servers.push(codex.server);
    writeWorkers(repo, { planner: COMMAND_WORKER, implementer: { ...codex.worker, bin: codexWithoutUserNamespaces(repo) }, reviewer: COMMAND_WORKER });
    const r = await doctor(repo);
    expect(r.check('implementer worker (codex): own sandbox')).toMatchObject({ status: 'ok' });
    expect(r.check('implementer worker (codex): own sandbox').detail).toContain('not used');
  });
});

describe('runr doctor: verification commands', () => {
  it('checks each verification command\'s program: ok when found, fail naming the missing program and the fix', async () => {
    const repo = new TestRepo({
      config: {
        workers: { planner: COMMAND_WORKER, implementer: COMMAND_WORKER, reviewer: COMMAND_WORKER },
        verification: { tier0: ['FOO=1 node check.js'], tier1: [], tier2: ['definitely-not-installed-xyz --check', 'cd src && also-not-installed-xyz'] },
      },
    });
    const r = await doctor(repo);
    expect(r.exitCode).toBe(1);
    expect(r.out.ok).toBe(false);
    expect(r.check('verification tier0: FOO=1 node check.js')).toMatchObject({ status: 'ok', detail: 'node found' });
    const missing = r.check('verification tier2: definitely-not-installed-xyz --check');
    expect(missing).toMatchObject({ status: 'fail', detail: expect.stringContaining('definitely-not-installed-xyz not found') });
    expect(missing.fix).toContain('Install definitely-not-installed-xyz');
    expect(missing.fix).toContain(path.join(repo.dir, '.runr', 'runr.config.json'));
    expect(r.check('verification tier2: cd src && also-not-installed-xyz')).toMatchObject({ status: 'fail', detail: expect.stringContaining('also-not-installed-xyz') });
    const human = await repo.runr(['doctor'], { timeoutMs: 120_000 });
    expect(human.stdout).toMatch(/^fail {2}verification tier2: definitely-not-installed-xyz --check: /m);
  });
});

describe('runr doctor --ping', () => {
  it('makes one call per distinct CLI worker and passes when each answers {"ok":true}', async () => {
    const repo = new TestRepo();
    const claude = await fakeClaude(repo, pingModel, { maxRetries: 0 });
    const codex = await fakeCodex(repo, pingModel);
    servers.push(claude.server, codex.server);
    writeWorkers(repo, { planner: claude.worker, implementer: codex.worker, reviewer: claude.worker });

    const r = await doctor(repo, ['--ping']);
    expect(r.exitCode, JSON.stringify(r.out.checks, null, 2)).toBe(0);
    expect(r.names.slice(5)).toEqual([
      ...workerChecks('planner+reviewer worker (claude)', ...CLI_CHECKS, 'ping'),
      ...workerChecks('implementer worker (codex)', ...CLI_CHECKS, 'own sandbox', 'ping'),
      NODE_CHECK,
    ]);
    expect(r.check('planner+reviewer worker (claude): ping')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^answered in .*, cost \$\d/) });
    expect(r.check('implementer worker (codex): ping')).toMatchObject({ status: 'ok', detail: expect.stringContaining('answered in') });
    // The shared claude worker is called once, not once per role.
    expect(claude.server.requests.filter((q) => q.agentTurn)).toHaveLength(1);
    expect(codex.server.requests.filter((q) => q.agentTurn)).toHaveLength(1);
  });

  it('fails a ping whose API refuses the key (401), naming the credential env var to fix; the transcript is kept', async () => {
    const repo = new TestRepo();
    const claude = await fakeClaude(repo, refuse, { maxRetries: 0 });
    const gemini = await fakeGemini(repo, refuse);
    servers.push(claude.server, gemini.server);
    writeWorkers(repo, { planner: claude.worker, implementer: COMMAND_WORKER, reviewer: gemini.worker });

    const r = await doctor(repo, ['--ping']);
    expect(r.exitCode).toBe(1);
    expect(r.out.ok).toBe(false);
    // The keys are there: only the call shows they are refused.
    expect(r.check('planner worker (claude): credentials').status).toBe('ok');
    const claudePing = r.check('planner worker (claude): ping');
    expect(claudePing).toMatchObject({ status: 'fail', detail: expect.stringContaining('401'), fix: expect.stringContaining('ANTHROPIC_API_KEY') });
    const geminiPing = r.check('reviewer worker (gemini): ping');
    expect(geminiPing).toMatchObject({ status: 'fail', fix: expect.stringContaining('GEMINI_API_KEY') });
    expectKeptTranscript(claudePing);
    expectKeptTranscript(geminiPing);
    // A command worker speaks runr's protocol only: never pinged.
    expect(r.names).not.toContain('implementer worker (command): ping');
  });
});

describe('runr doctor --help', () => {
  it('explains --ping, --config, --repo and --json', async () => {
    const repo = new TestRepo();
    const r = await repo.runr(['doctor', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/--ping\s+also make one real, minimal call per CLI worker/);
    for (const flag of ['--config <path>', '--repo', '--json']) expect(r.stdout).toContain(flag);
  });
});
