import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Lease } from '../contracts/lease.js';
import { RUN_FILES } from './paths.js';

export interface LeaseTiming {
  heartbeatMs: number;
  expiryMs: number;
}

/**
 * Heartbeat cadence and how old a heartbeat may get before the lease counts as expired, for leases
 * that do not say (every heartbeat writes the executor's own timing into the lease).
 */
export const LEASE_TIMING: Readonly<LeaseTiming> = Object.freeze({ heartbeatMs: 5_000, expiryMs: 30_000 });

const leaseFile = (runDir: string) => path.join(runDir, RUN_FILES.lease);

/**
 * The lease as written by acquireLease/heartbeat, checked by hand rather than with LeaseSchema so that
 * read-only commands need not load the schema library (tests hold the two to the same shape).
 */
export function parseLease(value: unknown): Lease | null {
  const v = value as Partial<Lease> | null;
  if (!v || typeof v !== 'object') return null;
  const ok = Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.token === 'string'
    && typeof v.started_at === 'string' && typeof v.heartbeat_at === 'string' && !Number.isNaN(Date.parse(v.heartbeat_at));
  if (!ok) return null;
  const lease: Lease = { pid: v.pid!, host: v.host!, token: v.token!, started_at: v.started_at!, heartbeat_at: v.heartbeat_at! };
  if (typeof v.expiry_ms === 'number' && v.expiry_ms > 0) lease.expiry_ms = v.expiry_ms;
  if (typeof v.heartbeat_ms === 'number' && v.heartbeat_ms > 0) lease.heartbeat_ms = v.heartbeat_ms;
  return lease;
}

export function readLease(runDir: string): Lease | null {
  try {
    return parseLease(JSON.parse(fs.readFileSync(leaseFile(runDir), 'utf8')));
  } catch {
    return null;
  }
}

/** Who executes the run: the lease holder's pid and whether it is alive. */
export function liveness(runDir: string): { pid: number | null; alive: boolean; overdue: { since: string; expires_at: string } | null } {
  const lease = readLease(runDir);
  return { pid: lease?.pid ?? null, alive: lease ? leaseAlive(lease) : false, overdue: overdueLease(runDir) };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lease is live when its heartbeat is fresh and, on this host, its process still exists. */
export function leaseAlive(lease: Lease, nowMs = Date.now()): boolean {
  if (nowMs - Date.parse(lease.heartbeat_at) > (lease.expiry_ms ?? LEASE_TIMING.expiryMs)) return false;
  return lease.host !== os.hostname() || pidAlive(lease.pid);
}

// Web Crypto's global, not node:crypto: it loads on first use, so reads that never take a lease (`runr status`) do not load it.
const randomSuffix = () => globalThis.crypto.randomUUID().slice(0, 8);

function writeExclusive(file: string, lease: Lease): boolean {
  // link() is atomic and refuses an existing target: the lease appears whole or not at all.
  const tmp = `${file}.${process.pid}.${randomSuffix()}`;
  fs.writeFileSync(tmp, JSON.stringify(lease), { flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function replaceAtomically(file: string, lease: Lease): void {
  const tmp = `${file}.${process.pid}.${randomSuffix()}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(lease));
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true }); // a write the disk refused leaves no half-written temp file behind
    throw err;
  }
}

export type LeaseAttempt = { ok: true; lease: Lease } | { ok: false; holder: Lease };

function newLease(pid: number): Lease {
  const now = new Date().toISOString();
  return { pid, host: os.hostname(), token: globalThis.crypto.randomUUID(), started_at: now, heartbeat_at: now };
}

/**
 * Takes the run's lease. A lease whose holder is dead or whose heartbeat expired is reclaimed;
 * a live one is refused. Reclaiming happens under a short mkdir mutex so two reclaimers cannot
 * both win.
 */
export function acquireLease(runDir: string, pid = process.pid): LeaseAttempt {
  const file = leaseFile(runDir);
  const mine = newLease(pid);
  for (let i = 0; i < 50; i++) {
    if (writeExclusive(file, mine)) return { ok: true, lease: mine };
    const holder = readLease(runDir);
    if (holder && leaseAlive(holder)) return { ok: false, holder };
    if (!holder && Date.now() - mtimeMs(file) < 2_000) {
      sleepMs(20); // a lease being replaced this instant: look again
      continue;
    }
    withMutex(`${file}.reclaim`, () => {
      const again = readLease(runDir);
      if (holder ? again?.token === holder.token : !again) fs.rmSync(file, { force: true });
    });
  }
  const holder = readLease(runDir);
  if (holder) return { ok: false, holder };
  throw new Error(`could not take the lease ${file}`);
}

/** Refreshes the heartbeat (and, when given, the expiry it promises); false when the lease is no longer ours. */
export function heartbeat(runDir: string, token: string, pid = process.pid, timing?: { heartbeatMs: number; expiryMs: number }): boolean {
  const current = readLease(runDir);
  if (!current || current.token !== token) return false;
  const promised = timing ? { heartbeat_ms: timing.heartbeatMs, expiry_ms: timing.expiryMs } : {};
  replaceAtomically(leaseFile(runDir), { ...current, pid, heartbeat_at: new Date().toISOString(), ...promised });
  return true;
}

/**
 * Whether this executor still holds the lease, read before it acts (starts an effect, journals). The
 * lease is written again only when its heartbeat is older than one beat: the timer keeps it fresh, and
 * a write per check cost a temp file and a rename several times per effect.
 */
export function stillHeld(runDir: string, token: string, timing: LeaseTiming, nowMs = Date.now()): boolean {
  const current = readLease(runDir);
  if (!current || current.token !== token) return false;
  if (nowMs - Date.parse(current.heartbeat_at) < timing.heartbeatMs) return true;
  return heartbeat(runDir, token, process.pid, timing);
}

/**
 * A live lease whose heartbeat is overdue (more than two beats late): its executor may be frozen,
 * and another process may take the run over once the lease expires.
 */
export function overdueLease(runDir: string, nowMs = Date.now()): { since: string; expires_at: string } | null {
  const lease = readLease(runDir);
  if (!lease || !leaseAlive(lease, nowMs)) return null;
  const beat = Date.parse(lease.heartbeat_at);
  if (nowMs - beat <= 2 * (lease.heartbeat_ms ?? LEASE_TIMING.heartbeatMs)) return null;
  return { since: lease.heartbeat_at, expires_at: new Date(beat + (lease.expiry_ms ?? LEASE_TIMING.expiryMs)).toISOString() };
}

/** The lease timing of a run: its config's limits, else the executor's `fallback` (default 5 s / 30 s). */
export function leaseTimingOf(limits: { lease_heartbeat_s?: number; lease_expiry_s?: number }, fallback: LeaseTiming = LEASE_TIMING): LeaseTiming {
  return {
    heartbeatMs: limits.lease_heartbeat_s !== undefined ? limits.lease_heartbeat_s * 1000 : fallback.heartbeatMs,
    expiryMs: limits.lease_expiry_s !== undefined ? limits.lease_expiry_s * 1000 : fallback.expiryMs,
  };
}

export function releaseLease(runDir: string, token: string): void {
  const current = readLease(runDir);
  if (current?.token === token) fs.rmSync(leaseFile(runDir), { force: true });
}

function mtimeMs(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withMutex(dir: string, fn: () => void): void {
  for (let i = 0; i < 200; i++) {
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() - mtimeMs(dir) > 10_000) fs.rmSync(dir, { recursive: true, force: true });
      sleepMs(10);
      continue;
    }
    try {
      return fn();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  throw new Error(`could not take ${dir}`);
}
