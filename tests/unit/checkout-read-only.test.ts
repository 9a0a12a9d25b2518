import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunState } from '../../src/contracts/state.js';
import { checkoutReadOnly, lookAtCheckoutAfter } from '../../src/engine/effects/sandbox.js';

/** When the watch may skip looking at your checkout after a call: only when the call cannot write it. */
describe('checkoutReadOnly', () => {
  const worker = { type: 'command', command: ['node', 'agent.mjs'] } as never;
  const stateWith = (sandbox: Partial<NonNullable<RunState['sandbox']>> | undefined, writable?: string[]) => ({
    repo_root: '/home/u/project', work_dir: '/home/u/project/.runr/worktrees/r1', run_dir: '/home/u/project/.runr/runs/r1',
    config: { sandbox_writable: writable },
    sandbox: sandbox && { mode: 'auto', active: true, reason: '', bwrap: '/usr/bin/bwrap', workers: { planner: true, implementer: true, reviewer: true }, ...sandbox },
  }) as unknown as RunState;

  it('confined calls cannot write it', () => {
    expect(checkoutReadOnly(stateWith({}), { role: 'implementer', worker })).toBe(true);
    expect(checkoutReadOnly(stateWith({}), 'verify')).toBe(true);
  });

  it('unconfined calls can: no bubblewrap, the sandbox off, or off for that role', () => {
    expect(checkoutReadOnly(stateWith(undefined), { role: 'implementer', worker })).toBe(false);
    expect(checkoutReadOnly(stateWith({ bwrap: null }), 'verify')).toBe(false);
    expect(checkoutReadOnly(stateWith({ active: false }), 'verify')).toBe(false);
    expect(checkoutReadOnly(stateWith({ workers: { implementer: false } }), { role: 'implementer', worker })).toBe(false);
  });

  it('a writable path inside the checkout makes a confined call able to write it; one under .runr/ or elsewhere does not', () => {
    expect(checkoutReadOnly(stateWith({}, ['build']), 'verify')).toBe(false);
    expect(checkoutReadOnly(stateWith({}, ['/home/u/project/dist']), { role: 'implementer', worker })).toBe(false);
    expect(checkoutReadOnly(stateWith({}), { role: 'implementer', worker: { ...(worker as object), sandbox_writable: ['out'] } as never })).toBe(false);
    expect(checkoutReadOnly(stateWith({}, ['.runr/cache', '~/.cache', '/opt/x']), 'verify')).toBe(true);
  });
});

describe('checkoutReadOnly with a symlinked writable path', () => {
  it('a writable path that links into the checkout is the checkout', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-ro-'));
    try {
      const checkout = path.join(root, 'project');
      fs.mkdirSync(path.join(checkout, 'out'), { recursive: true });
      fs.symlinkSync(path.join(checkout, 'out'), path.join(root, 'link'));
      const state = {
        repo_root: checkout, work_dir: path.join(checkout, '.runr/worktrees/r1'), run_dir: path.join(checkout, '.runr/runs/r1'),
        config: { sandbox_writable: [path.join(root, 'link')] },
        sandbox: { mode: 'auto', active: true, reason: '', bwrap: '/usr/bin/bwrap', workers: {} },
      } as unknown as RunState;
      expect(checkoutReadOnly(state, 'verify')).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('lookAtCheckoutAfter', () => {
  const worker = { type: 'command', command: ['node', 'agent.mjs'] };
  const state = (confined: boolean) => ({
    repo_root: '/p', work_dir: '/p/.runr/worktrees/r1', run_dir: '/p/.runr/runs/r1',
    config: { workers: { planner: worker, implementer: worker, reviewer: worker } },
    sandbox: { mode: 'auto', active: confined, reason: '', bwrap: confined ? '/usr/bin/bwrap' : null, workers: { planner: confined, implementer: confined, reviewer: confined } },
  }) as unknown as RunState;

  it('skips the look after confined calls (the review too: the file events decide) and looks after unconfined ones', () => {
    for (const phase of ['PLAN', 'IMPLEMENT', 'VERIFY', 'REVIEW'] as const) {
      expect(lookAtCheckoutAfter(state(true), phase)).toBe(false);
      expect(lookAtCheckoutAfter(state(false), phase)).toBe(true);
    }
  });
});
