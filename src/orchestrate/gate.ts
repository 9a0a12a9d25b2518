import type { CollisionPolicy } from '../contracts/orchestration.js';
import { collision, type TouchSet } from './collisions.js';

/** Where a task's run is with respect to the files it touches. */
type GatePhase = 'planning' | 'at_gate' | 'executing';

export type GateAnswer = { pass: true } | { pass: false; with: string; why: string } | { aborted: true };

export interface GateHooks {
  /** The orchestration's tasks in dependency order: of two tasks at the gate together, the earlier goes first. */
  order: string[];
  policy: CollisionPolicy;
  touchOf: (key: string) => Promise<TouchSet>;
  onWait: (key: string, detail: string) => void;
  onGo: (key: string) => void;
}

/** How often a waiting task looks again without being woken (the running tasks' changed files grow meanwhile). */
const RECHECK_MS = 2_000;

/**
 * The collision gate every IMPLEMENT of an orchestration's task passes (SPEC §9). A task that passed holds
 * its files until its run ends or it comes back to the gate; another task whose files (allowlist additions,
 * its plan's files_expected, what it has changed so far) may overlap waits meanwhile, or under policy `fail`
 * is refused. Each decision is taken synchronously after every touch set was read, so two tasks can never
 * both pass on views that did not include each other.
 */
export class CollisionGate {
  private readonly phases = new Map<string, GatePhase>();
  private wakers = new Set<() => void>();

  constructor(private readonly hooks: GateHooks) {}

  /** A task's run started (it plans; it holds nothing yet). */
  join(key: string): void {
    this.phases.set(key, 'planning');
  }

  /** A task's run ended (or is parked at an approval): its files are free. */
  leave(key: string): void {
    this.phases.delete(key);
    this.wake();
  }

  async enter(key: string, signal: AbortSignal): Promise<GateAnswer> {
    this.phases.set(key, 'at_gate');
    this.wake();
    let waiting = false;
    for (;;) {
      if (signal.aborted) return { aborted: true };
      const sets = new Map(await Promise.all([key, ...this.judgedAgainst(key)].map(async (k) => [k, await this.hooks.touchOf(k)] as const)));
      if (signal.aborted) return { aborted: true };
      // A task that reached the gate or passed it while the sets were read is judged on a fresh read.
      if (this.judgedAgainst(key).some((k) => !sets.has(k))) continue;
      const blocker = this.blockerOf(key, sets);
      if (!blocker) {
        this.phases.set(key, 'executing');
        if (waiting) this.hooks.onGo(key);
        this.wake();
        return { pass: true };
      }
      if (this.hooks.policy === 'fail' && blocker.executing) return { pass: false, with: blocker.key, why: blocker.why };
      if (!waiting) this.hooks.onWait(key, `waits for ${blocker.key}: ${blocker.why}`);
      waiting = true;
      await this.nextChange(signal);
    }
  }

  /** The tasks `key` must not collide with to go on: those executing, and those at the gate before it. */
  private judgedAgainst(key: string): string[] {
    const myPlace = this.hooks.order.indexOf(key);
    return this.hooks.order.filter((other, place) => {
      const phase = this.phases.get(other);
      return other !== key && (phase === 'executing' || (phase === 'at_gate' && place < myPlace));
    });
  }

  /** The task that keeps `key` from going on now: one that executes on files `key` may touch, or is at the gate before it. */
  private blockerOf(key: string, sets: Map<string, TouchSet>): { key: string; why: string; executing: boolean } | null {
    const mine = sets.get(key)!;
    for (const other of this.judgedAgainst(key)) {
      const c = collision(mine, sets.get(other)!);
      if (c.collides) return { key: other, why: c.why, executing: this.phases.get(other) === 'executing' };
    }
    return null;
  }

  private nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, RECHECK_MS);
      signal.addEventListener('abort', done, { once: true });
      this.wakers.add(done);
    });
  }

  private wake(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const w of wakers) w();
  }
}
