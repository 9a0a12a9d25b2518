import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';
import type { Lease } from '../../src/contracts/lease.js';
import {
  acquireLease, heartbeat, leaseAlive, leaseTimingOf, LEASE_TIMING, liveness, overdueLease, readLease, releaseLease, stillHeld,
} from '../../src/store/lease.js';

const runDir = tempDirsRemovedAfterEach('runr-lease-');
const leaseFile = (dir: string) => path.join(dir, 'lease.json');
/** A pid that surely belongs to no process: one that has just exited. */
const deadPid = () => Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));

function lease(over: Partial<Lease> = {}, heartbeatAgoMs = 0): Lease {
  const at = new Date(Date.now() - heartbeatAgoMs).toISOString();
  return { pid: process.pid, host: os.hostname(), token: 'other', started_at: at, heartbeat_at: at, ...over };
}
function plant(dir: string, l: Lease): void {
  fs.writeFileSync(leaseFile(dir), JSON.stringify(l));
}

describe('a lease is live', () => {
  it('while its heartbeat is younger than its expiry and its process exists on this host', () => {
    const now = Date.parse('2026-01-01T00:00:30.000Z');
    const l = lease({ heartbeat_at: '2026-01-01T00:00:00.000Z', expiry_ms: 30_000 });
    expect(leaseAlive(l, now)).toBe(true);
    expect(leaseAlive(l, now + 1)).toBe(false);
    expect(leaseAlive({ ...l, pid: deadPid() }, now)).toBe(false);
    // On another host the pid says nothing: the heartbeat alone decides.
    expect(leaseAlive({ ...l, host: `${os.hostname()}-elsewhere`, pid: deadPid() }, now)).toBe(true);
  });

  it('with no expiry of its own, for the default 30 s', () => {
    const l = lease();
    const beat = Date.parse(l.heartbeat_at);
    expect(leaseAlive(l, beat + LEASE_TIMING.expiryMs)).toBe(true);
    expect(leaseAlive(l, beat + LEASE_TIMING.expiryMs + 1)).toBe(false);
  });
});

describe('taking, refreshing and releasing a lease', () => {
  it('the first taker wins; a second is refused while the lease is live and told who holds it', () => {
    const dir = runDir();
    const first = acquireLease(dir);
    expect(first.ok).toBe(true);
    const second = acquireLease(dir, 12345);
    expect(second).toEqual({ ok: false, holder: readLease(dir) });
    if (first.ok) expect(readLease(dir)).toEqual(first.lease);
    expect(liveness(dir)).toEqual({ pid: process.pid, alive: true, overdue: null });
  });

  it('a lease whose holder died, or whose heartbeat expired, is taken over', () => {
    const dir = runDir();
    plant(dir, lease({ pid: deadPid() }));
    const a = acquireLease(dir);
    expect(a.ok).toBe(true);
    plant(dir, lease({ expiry_ms: 1000 }, 5_000));
    const b = acquireLease(dir);
    expect(b.ok).toBe(true);
    if (a.ok && b.ok) expect(b.lease.token).not.toBe(a.lease.token);
  });

  it('a corrupt lease file is no lease', () => {
    const dir = runDir();
    fs.writeFileSync(leaseFile(dir), '{"pid": "x"');
    fs.utimesSync(leaseFile(dir), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(readLease(dir)).toBeNull();
    expect(liveness(dir)).toEqual({ pid: null, alive: false, overdue: null });
    expect(acquireLease(dir).ok).toBe(true);
  });

  it('a heartbeat moves heartbeat_at forward and records the promised timing; it fails once the lease is someone else\'s', async () => {
    const dir = runDir();
    plant(dir, lease({ token: 'mine' }, 10_000));
    const before = readLease(dir)!;
    expect(heartbeat(dir, 'mine', process.pid, { heartbeatMs: 200, expiryMs: 1000 })).toBe(true);
    const after = readLease(dir)!;
    expect(Date.parse(after.heartbeat_at)).toBeGreaterThan(Date.parse(before.heartbeat_at));
    expect(after).toMatchObject({ token: 'mine', started_at: before.started_at, heartbeat_ms: 200, expiry_ms: 1000 });
    expect(heartbeat(dir, 'not-mine')).toBe(false);
    expect(readLease(dir)).toEqual(after);
    releaseLease(dir, 'not-mine');
    expect(readLease(dir)).toEqual(after);
    releaseLease(dir, 'mine');
    expect(readLease(dir)).toBeNull();
    expect(heartbeat(dir, 'mine')).toBe(false);
    expect(fs.existsSync(leaseFile(dir))).toBe(false);
  });
});

describe('an overdue heartbeat', () => {
  it('is reported once more than two beats late, with when the lease expires; never for a dead or expired lease', () => {
    const dir = runDir();
    const at = Date.parse('2026-01-01T00:00:00.000Z');
    plant(dir, lease({ heartbeat_at: new Date(at).toISOString(), heartbeat_ms: 1000, expiry_ms: 10_000 }));
    expect(overdueLease(dir, at + 2000)).toBeNull();
    expect(overdueLease(dir, at + 2001)).toEqual({ since: '2026-01-01T00:00:00.000Z', expires_at: '2026-01-01T00:00:10.000Z' });
    expect(overdueLease(dir, at + 10_001)).toBeNull();
    plant(dir, lease({ pid: deadPid(), heartbeat_at: new Date(at).toISOString(), heartbeat_ms: 1000 }));
    expect(overdueLease(dir, at + 3000)).toBeNull();
  });

  it('uses RUNR_LEASE_HEARTBEAT_MS and RUNR_LEASE_EXPIRY_MS when the lease promises nothing', () => {
    const dir = runDir();
    const at = Date.parse('2026-01-01T00:00:00.000Z');
    plant(dir, lease({ heartbeat_at: new Date(at).toISOString() }));
    expect(overdueLease(dir, at + 2 * LEASE_TIMING.heartbeatMs)).toBeNull();
    expect(overdueLease(dir, at + 2 * LEASE_TIMING.heartbeatMs + 1)?.expires_at).toBe(new Date(at + LEASE_TIMING.expiryMs).toISOString());
  });
});

describe('lease timing', () => {
  it('comes from limits.lease_heartbeat_s / lease_expiry_s, else from the environment defaults', () => {
    expect(leaseTimingOf({ lease_heartbeat_s: 0.2, lease_expiry_s: 1.5 })).toEqual({ heartbeatMs: 200, expiryMs: 1500 });
    expect(leaseTimingOf({})).toEqual({ heartbeatMs: LEASE_TIMING.heartbeatMs, expiryMs: LEASE_TIMING.expiryMs });
    expect(leaseTimingOf({ lease_expiry_s: 2 })).toEqual({ heartbeatMs: LEASE_TIMING.heartbeatMs, expiryMs: 2000 });
  });
});

describe('stillHeld: the check before an executor acts', () => {
  const timing = { heartbeatMs: 5_000, expiryMs: 30_000 };
  it('is false once another token holds the lease, true while this one does', () => {
    const dir = runDir();
    plant(dir, lease({ token: 'mine' }));
    expect(stillHeld(dir, 'mine', timing)).toBe(true);
    plant(dir, lease({ token: 'theirs' }));
    expect(stillHeld(dir, 'mine', timing)).toBe(false);
  });

  it('writes the lease again only when its heartbeat is older than one beat', () => {
    const dir = runDir();
    const fresh = lease({ token: 'mine' }, 1_000);
    plant(dir, fresh);
    expect(stillHeld(dir, 'mine', timing)).toBe(true);
    expect(readLease(dir)?.heartbeat_at).toBe(fresh.heartbeat_at);
    const stale = lease({ token: 'mine' }, 6_000);
    plant(dir, stale);
    expect(stillHeld(dir, 'mine', timing)).toBe(true);
    expect(Date.parse(readLease(dir)!.heartbeat_at)).toBeGreaterThan(Date.parse(stale.heartbeat_at));
  });
});
