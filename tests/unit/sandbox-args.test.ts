import { describe, expect, it } from 'vitest';
import { bwrapArgs, type SandboxLayout } from '../../src/workers/sandbox/bwrap-args.js';
import { decideSandbox } from '../../src/workers/sandbox/decide.js';
import { ConfigSchema } from '../../src/contracts/config.js';

/**
 * What a confined process can do with a path, read off bubblewrap's arguments the way bubblewrap
 * applies them: mounts in order, the last one covering the path decides.
 */
function access(args: string[], p: string): 'rw' | 'ro' | 'private' | 'hidden' {
  let found: 'rw' | 'ro' | 'private' | 'hidden' = 'hidden';
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const dest = flag === '--bind' || flag === '--ro-bind' ? args[i + 2] : flag === '--tmpfs' ? args[i + 1] : undefined;
    if (!dest) continue;
    if (p !== dest && !p.startsWith(dest === '/' ? '/' : `${dest}/`)) continue;
    found = flag === '--bind' ? 'rw' : flag === '--tmpfs' ? 'private' : args[i + 1] === '/dev/null' ? 'hidden' : 'ro';
  }
  return found;
}

const REPO = '/home/u/project';
const COMMON = `${REPO}/.git`;
const WT = `${REPO}/.runr/worktrees/20260101000000`;
const RUN_DIR = `${REPO}/.runr/runs/20260101000000`;
const ADMIN = `${COMMON}/worktrees/20260101000000`;
const everything = () => 'dir' as const;

const worktreeLayout = (writable: string[] = []): SandboxLayout => ({
  repoRoot: REPO, workDir: WT, runDir: RUN_DIR, gitCommonDir: COMMON, worktreeGitDir: ADMIN, writable, hidden: [],
});
const inPlaceLayout = (writable: string[] = []): SandboxLayout => ({
  repoRoot: REPO, workDir: REPO, runDir: RUN_DIR, gitCommonDir: COMMON, worktreeGitDir: null, writable, hidden: [],
});

describe('bwrapArgs: worktree mode', () => {
  const args = bwrapArgs(worktreeLayout(['/home/u/.codex']), everything);

  it('lets the process write the worktree, git objects and its own worktree admin dir, and nothing else', () => {
    expect(access(args, `${WT}/src/a.js`)).toBe('rw');
    expect(access(args, `${COMMON}/objects/ab/cdef`)).toBe('rw');
    expect(access(args, `${ADMIN}/index`)).toBe('rw');
    expect(access(args, `${ADMIN}/HEAD`)).toBe('rw');
    expect(access(args, '/home/u/.codex/sessions/x.jsonl')).toBe('rw');
    for (const p of [`${REPO}/src/a.js`, '/home/u/.bashrc', '/etc/passwd', '/usr/bin/node', `${COMMON}/config`, `${COMMON}/hooks/pre-commit`,
      `${COMMON}/info/exclude`, `${COMMON}/refs/heads/main`, `${COMMON}/packed-refs`, `${REPO}/.runr/runr.config.json`, `${RUN_DIR}/events.ndjson`,
      `${REPO}/.runr/worktrees/20251231000000/src/x.js`]) {
      expect(access(args, p), p).toBe('ro');
    }
  });

  it('keeps closed what would let a worker redirect git or add objects from elsewhere', () => {
    for (const p of [`${WT}/.git`, `${ADMIN}/commondir`, `${ADMIN}/gitdir`, `${ADMIN}/config.worktree`, `${COMMON}/objects/info/alternates`]) {
      expect(access(args, p), p).toBe('ro');
    }
  });

  it('gives a private /tmp, its own /dev and /proc, no capabilities and its own pid namespace; starts in the worktree', () => {
    expect(access(args, '/tmp/x')).toBe('private');
    expect(args.join(' ')).toContain('--dev /dev --proc /proc');
    expect(args).toEqual(expect.arrayContaining(['--unshare-pid', '--die-with-parent', '--cap-drop', 'ALL']));
    expect(args).not.toContain('--unshare-net');
    expect(args.slice(-2)).toEqual(['--chdir', WT]);
  });

  it('shows a checkout under /tmp (read-only) and its worktree (writable) through the private /tmp', () => {
    const tmp = bwrapArgs({ ...worktreeLayout(), repoRoot: '/tmp/r', workDir: '/tmp/r/.runr/worktrees/1', runDir: '/tmp/r/.runr/runs/1', gitCommonDir: '/tmp/r/.git', worktreeGitDir: null }, everything);
    expect(access(tmp, '/tmp/r/node_modules/x/index.js')).toBe('ro');
    expect(access(tmp, '/tmp/r/.runr/worktrees/1/a.js')).toBe('rw');
    expect(access(tmp, '/tmp/other')).toBe('private');
  });
});

describe('bwrapArgs: a run in place', () => {
  const args = bwrapArgs(inPlaceLayout(), everything);

  it('lets the process write the checkout and git objects; .git and .runr stay read-only', () => {
    expect(access(args, `${REPO}/src/a.js`)).toBe('rw');
    expect(access(args, `${COMMON}/objects/ab/cdef`)).toBe('rw');
    for (const p of [`${COMMON}/config`, `${COMMON}/index`, `${COMMON}/HEAD`, `${COMMON}/hooks/x`, `${REPO}/.runr/runr.config.json`, `${RUN_DIR}/state.json`]) {
      expect(access(args, p), p).toBe('ro');
    }
  });
});

describe('bwrapArgs: a read-only call (the reviewer)', () => {
  it('in a worktree: the worktree, its git directory and git objects are read-only, even under a declared parent or inside', () => {
    const args = bwrapArgs({ ...worktreeLayout(['/home/u', `${WT}/build`, '/home/u/.claude']), readOnlyWork: true }, everything);
    for (const p of [`${WT}/src/a.js`, `${WT}/build/out.js`, `${ADMIN}/index`, `${ADMIN}/HEAD`, `${COMMON}/objects/ab/cdef`, `${REPO}/README.md`]) {
      expect(access(args, p), p).toBe('ro');
    }
    expect(access(args, '/home/u/.claude/state.json')).toBe('rw');
    expect(access(args, '/tmp/x')).toBe('private');
  });

  it('in place: the checkout is read-only', () => {
    const args = bwrapArgs({ ...inPlaceLayout([`${REPO}/build`]), readOnlyWork: true }, everything);
    for (const p of [`${REPO}/src/a.js`, `${REPO}/build/out.js`, `${COMMON}/objects/ab/cdef`]) expect(access(args, p), p).toBe('ro');
  });
});

describe('bwrapArgs: declared writable paths', () => {
  it('never open what runr protects, whatever is declared', () => {
    const args = bwrapArgs(worktreeLayout([`${COMMON}/hooks`, `${REPO}/.runr`, RUN_DIR, '/']), everything);
    expect(access(args, `${COMMON}/hooks/x`)).toBe('ro');
    expect(access(args, `${REPO}/.runr/runr.config.json`)).toBe('ro');
    expect(access(args, `${RUN_DIR}/events.ndjson`)).toBe('ro');
    expect(access(args, '/etc/passwd')).toBe('ro');
    expect(access(args, '/tmp/x')).toBe('private');
  });

  it('may open a parent of the checkout, but the checkout (in worktree mode), .git and .runr stay closed inside it', () => {
    const args = bwrapArgs(worktreeLayout(['/home/u']), everything);
    expect(access(args, '/home/u/.cache/x')).toBe('rw');
    expect(access(args, `${REPO}/src/a.js`)).toBe('ro');
    expect(access(args, `${COMMON}/config`)).toBe('ro');
    expect(access(args, `${REPO}/.runr/runr.config.json`)).toBe('ro');
    expect(access(args, `${WT}/a.js`)).toBe('rw');
  });

  it('leaves out paths that do not exist (bubblewrap cannot bind them)', () => {
    const args = bwrapArgs(worktreeLayout(['/nowhere']), (p) => (p === '/nowhere' ? null : 'dir'));
    expect(args).not.toContain('/nowhere');
  });
});

describe('bwrapArgs: sockets that reach outside', () => {
  const layout = { ...worktreeLayout(), hidden: ['/run/user/1000', '/run/docker.sock'] };
  const kind = (p: string) => (p.endsWith('.sock') ? 'other' as const : 'dir' as const);

  it('hides the user\'s runtime directory (session bus, agents) and the Docker socket', () => {
    const args = bwrapArgs(layout, kind);
    expect(access(args, '/run/user/1000/bus')).toBe('private');
    expect(access(args, '/run/docker.sock')).toBe('hidden');
    expect(access(args, '/run/dbus/system_bus_socket')).toBe('ro');
  });

  it('unless the user lists them as writable', () => {
    expect(access(bwrapArgs({ ...layout, writable: ['/run/user/1000'] }, kind), '/run/user/1000/bus')).toBe('rw');
  });
});

describe('decideSandbox', () => {
  const works = { bwrap: '/usr/bin/bwrap', reason: 'bubblewrap works (/usr/bin/bwrap)' };
  const missing = { bwrap: null, reason: 'bwrap was not found on PATH', fix: 'Install bubblewrap' };
  const config = (extra: Record<string, unknown> = {}) => ConfigSchema.parse(extra);

  it('auto confines everything where bubblewrap works, and nothing (saying why) where it does not', () => {
    expect(decideSandbox(config(), undefined, works)).toMatchObject({ refusal: null, decision: { mode: 'auto', active: true, workers: { planner: true, implementer: true, reviewer: true } } });
    const without = decideSandbox(config(), undefined, missing);
    expect(without.refusal).toBeNull();
    expect(without.decision).toMatchObject({ active: false, bwrap: null, workers: { implementer: false } });
    expect(without.decision.reason).toContain('bwrap was not found on PATH');
  });

  it('required without bubblewrap refuses, naming the setting and the fix; --sandbox overrides the config', () => {
    expect(decideSandbox(config({ sandbox: 'required' }), undefined, missing).refusal).toMatch(/"sandbox": "required".*bwrap was not found.*Install bubblewrap/);
    expect(decideSandbox(config({ workers: { implementer: { type: 'codex', sandbox: 'required' } } }), undefined, missing).refusal).toContain('workers.implementer.sandbox');
    expect(decideSandbox(config({ sandbox: 'required' }), 'auto', missing).refusal).toBeNull();
    expect(decideSandbox(config(), 'required', missing).refusal).toContain('--sandbox required');
  });

  it('off turns it off for the run; a worker may turn it off for itself alone', () => {
    expect(decideSandbox(config({ sandbox: 'off' }), undefined, works).decision).toMatchObject({ active: false, workers: { planner: false } });
    const oneOff = decideSandbox(config({ workers: { reviewer: { type: 'claude', sandbox: 'off' } } }), undefined, works).decision;
    expect(oneOff).toMatchObject({ active: true, workers: { planner: true, implementer: true, reviewer: false } });
    expect(decideSandbox(config({ workers: { reviewer: { type: 'claude', sandbox: 'required' } } }), 'off', works).decision.workers.reviewer).toBe(false);
  });
});

describe('runr installed under /tmp', () => {
  it('stays readable, not writable, through the private /tmp', () => {
    const args = bwrapArgs({ ...worktreeLayout(), readable: ['/tmp/checkout'] }, everything);
    expect(access(args, '/tmp/checkout/tests/agents/scripted-agent.mjs')).toBe('ro');
    expect(access(args, '/tmp/other')).toBe('private');
    expect(access(args, `${WT}/src/a.js`)).toBe('rw');
  });
});
