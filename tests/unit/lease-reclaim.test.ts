import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import type { Lease } from '../../src/contracts/lease.js';
import { acquireLease, heartbeat, LEASE_TIMING, leaseTimingOf, parseLease, readLease, releaseLease } from '../../src/store/lease.js';
import { testHooksFromEnv } from '../../src/cli/test-hooks.js';

const runDir = tempDirsRemovedAfterEach('runr-lease-reclaim-');
const leaseFile = (dir: string) => path.join(dir, 'lease.json');
const mutexDir = (dir: string) => `${leaseFile(dir)}.reclaim`;

function lease(over: Partial<Lease> = {}): Lease {
  const at = new Date().toISOString();
  return { pid: process.pid, host: os.hostname(), token: 'other', started_at: at, heartbeat_at: at, ...over };
}
/** A lease whose heartbeat expired long ago: anyone may reclaim it. */
const expired = (token = 'expired') => lease({ token, heartbeat_at: new Date(Date.now() - 3_600_000).toISOString() });
const plant = (dir: string, l: Lease | string) => fs.writeFileSync(leaseFile(dir), typeof l === 'string' ? l : JSON.stringify(l));
const backdate = (p: string, ms: number) => fs.utimesSync(p, new Date(Date.now() - ms), new Date(Date.now() - ms));

/**
 * Another process that holds the reclaim mutex (already created by the test) and, a moment after it
 * started, replaces or removes the lease and lets the mutex go.
 */
async function otherReclaimer(dir: string, action: { replaceWith: Lease } | 'remove') {
  const ready = path.join(dir, 'other-ready');
  const script = `
    const fs = require('node:fs');
    const [file, mutex, ready, json] = process.argv.slice(1);
    fs.writeFileSync(ready, '');
    setTimeout(() => {
      if (json) { fs.writeFileSync(file + '.other', json); fs.renameSync(file + '.other', file); } else fs.rmSync(file);
      fs.rmdirSync(mutex);
    }, 300);`;
  const json = action === 'remove' ? '' : JSON.stringify(action.replaceWith);
  const child = spawn(process.execPath, ['-e', script, leaseFile(dir), mutexDir(dir), ready, json], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  for (let i = 0; i < 400 && !fs.existsSync(ready); i++) await sleep(25);
  fs.rmSync(ready, { force: true });
  return { exited };
}

describe('reclaiming an expired lease under the reclaim mutex', () => {
  it('leaves alone a lease that another process put in place while this one waited for the mutex', async () => {
    const dir = runDir();
    plant(dir, expired());
    fs.mkdirSync(mutexDir(dir));
    const theirs = lease({ token: 'theirs' });
    const other = await otherReclaimer(dir, { replaceWith: theirs });
    const attempt = acquireLease(dir, 4242);
    await other.exited;
    expect(attempt).toEqual({ ok: false, holder: theirs });
    expect(readLease(dir)).toEqual(theirs);
  });

  it('takes the lease when the expired one was released while this process waited for the mutex', async () => {
    const dir = runDir();
    plant(dir, expired());
    fs.mkdirSync(mutexDir(dir));
    const other = await otherReclaimer(dir, 'remove');
    const attempt = acquireLease(dir, 4242);
    await other.exited;
    expect(attempt.ok).toBe(true);
    expect(readLease(dir)).toMatchObject({ pid: 4242 });
  });

  it('breaks a mutex left behind by a reclaimer that died (older than 10 s)', () => {
    const dir = runDir();
    plant(dir, expired());
    fs.mkdirSync(path.join(mutexDir(dir), 'leftover'), { recursive: true });
    backdate(mutexDir(dir), 11_000);
    const attempt = acquireLease(dir, 4242);
    expect(attempt.ok).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['lease.json']);
  });

  it('leaves no mutex and no temporary file behind', () => {
    const dir = runDir();
    plant(dir, expired());
    expect(acquireLease(dir).ok).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['lease.json']);
  });

  it('reports the holder of an expired lease it could not remove, rather than claiming the run', () => {
    const dir = runDir();
    const stuck = expired('stuck');
    plant(dir, stuck);
    const realRm = fs.rmSync;
    const spy = vi.spyOn(fs, 'rmSync').mockImplementation((p, opts) => {
      if (p !== leaseFile(dir)) realRm(p, opts);
    });
    try {
      expect(acquireLease(dir)).toEqual({ ok: false, holder: stuck });
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(dir)).toEqual(['lease.json']);
  });

  it('gives up, naming the mutex, when another reclaimer holds it for longer than it waits', () => {
    const dir = runDir();
    plant(dir, expired());
    fs.mkdirSync(mutexDir(dir));
    expect(() => acquireLease(dir)).toThrow(`could not take ${mutexDir(dir)}`);
    expect(readLease(dir)).toMatchObject({ token: 'expired' });
  });

  it('a mutex that cannot be made for another reason than its being held is an error at once', () => {
    const dir = runDir();
    plant(dir, expired());
    const spy = vi.spyOn(fs, 'mkdirSync').mockImplementation(() => {
      throw Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES' });
    });
    try {
      expect(() => acquireLease(dir)).toThrow(/EACCES/);
    } finally {
      spy.mockRestore();
    }
  });

  it('does not take over an unreadable lease written this instant: it looks again for a while, then gives up', () => {
    const dir = runDir();
    plant(dir, '{"pid": 1, "ho');
    const started = Date.now();
    expect(() => acquireLease(dir)).toThrow(`could not take the lease ${leaseFile(dir)}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fs.readFileSync(leaseFile(dir), 'utf8')).toBe('{"pid": 1, "ho');
  });
});

describe('writing the lease file', () => {
  it('an error other than "already taken" while linking the lease is thrown, and no temporary file is left', () => {
    const dir = runDir();
    const spy = vi.spyOn(fs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    });
    try {
      expect(() => acquireLease(dir)).toThrow(/EPERM/);
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a heartbeat the disk refuses is thrown, leaves the lease as it was and no temporary file', () => {
    const dir = runDir();
    const mine = lease({ token: 'mine' });
    plant(dir, mine);
    const spy = vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
    });
    try {
      expect(() => heartbeat(dir, 'mine')).toThrow(/ENOSPC/);
    } finally {
      spy.mockRestore();
    }
    expect(readLease(dir)).toEqual(mine);
    expect(fs.readdirSync(dir)).toEqual(['lease.json']);
  });

  it('a heartbeat whose temporary file the disk refused to create throws that refusal', () => {
    const dir = runDir();
    plant(dir, lease({ token: 'mine' }));
    const spy = vi.spyOn(fs, 'writeFileSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC' });
    });
    try {
      expect(() => heartbeat(dir, 'mine')).toThrow(/ENOSPC/);
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(dir)).toEqual(['lease.json']);
  });

  it('releasing a lease that is not there does nothing', () => {
    const dir = runDir();
    expect(() => releaseLease(dir, 'any')).not.toThrow();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('parseLease', () => {
  const valid = { pid: 7, host: 'h', token: 't', started_at: '2026-01-01T00:00:00.000Z', heartbeat_at: '2026-01-01T00:00:05.000Z' };

  it('accepts the five fields and keeps positive numeric timings only', () => {
    expect(parseLease(valid)).toEqual(valid);
    expect(parseLease({ ...valid, expiry_ms: 1000, heartbeat_ms: 200 })).toEqual({ ...valid, expiry_ms: 1000, heartbeat_ms: 200 });
    expect(parseLease({ ...valid, expiry_ms: 0, heartbeat_ms: 0 })).toEqual(valid);
    expect(parseLease({ ...valid, expiry_ms: -5, heartbeat_ms: -1 })).toEqual(valid);
    expect(parseLease({ ...valid, expiry_ms: '1000', heartbeat_ms: '200' })).toEqual(valid);
  });

  it('refuses a lease with a field missing or of the wrong type', () => {
    for (const field of ['pid', 'host', 'token', 'started_at', 'heartbeat_at'] as const) {
      const { [field]: _dropped, ...rest } = valid;
      expect(parseLease(rest), `without ${field}`).toBeNull();
    }
    expect(parseLease({ ...valid, pid: 1.5 })).toBeNull();
    expect(parseLease({ ...valid, started_at: 0 })).toBeNull();
    expect(parseLease({ ...valid, heartbeat_at: 0 })).toBeNull();
    expect(parseLease({ ...valid, heartbeat_at: 'not a date' })).toBeNull();
    for (const v of [null, undefined, 'lease', 7, []]) expect(parseLease(v)).toBeNull();
  });
});

describe('lease timing', () => {
  it('is 5 s and 30 s unless the config or the executor says otherwise; the config wins', () => {
    expect(LEASE_TIMING).toEqual({ heartbeatMs: 5_000, expiryMs: 30_000 });
    const executor = { heartbeatMs: 250, expiryMs: 1500 };
    expect(leaseTimingOf({})).toEqual(LEASE_TIMING);
    expect(leaseTimingOf({}, executor)).toEqual(executor);
    expect(leaseTimingOf({ lease_heartbeat_s: 2 }, executor)).toEqual({ heartbeatMs: 2000, expiryMs: 1500 });
    expect(leaseTimingOf({ lease_expiry_s: 9 }, executor)).toEqual({ heartbeatMs: 250, expiryMs: 9000 });
  });

  it('comes from RUNR_LEASE_HEARTBEAT_MS / RUNR_LEASE_EXPIRY_MS through the CLI\'s test hooks', () => {
    expect(testHooksFromEnv({})).toBeUndefined();
    expect(testHooksFromEnv({ RUNR_LEASE_HEARTBEAT_MS: '250', RUNR_LEASE_EXPIRY_MS: '1500' })?.leaseTiming).toEqual({ heartbeatMs: 250, expiryMs: 1500 });
    expect(testHooksFromEnv({ RUNR_LEASE_EXPIRY_MS: '1500' })?.leaseTiming).toEqual({ heartbeatMs: 5_000, expiryMs: 1500 });
  });
});
