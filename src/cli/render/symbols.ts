import { createRequire } from 'node:module';
import type pc from 'picocolors';

/** Colour functions for one stream: picocolors' own, all plain when colour is off (NO_COLOR, TERM=dumb, not a terminal). */
export type Colors = ReturnType<typeof pc.createColors>;

// picocolors is CommonJS, and importing it costs `runr status --json` ~6 ms (of a 1.3× start-up budget, issue 12)
// for colours JSON never shows: it is required on first use instead.
const requireHere = createRequire(import.meta.url);
let picocolors: typeof pc | undefined;

export const colorsFor = (enabled: boolean): Colors => (picocolors ??= requireHere('picocolors') as typeof pc).createColors(enabled);

/**
 * What a human line or mark means, each with its one symbol and colour, in every human view (run progress,
 * status, report, watch, doctor, orchestrations, replay). This is the only place that picks a colour for a
 * meaning: a renderer says `mark(c, 'failed')`, never `c.red('✗')`. Bold and dim alone stay free for emphasis
 * (a heading, a side note) and carry no meaning. The legend is in docs/commands.md ("Human output").
 */
export const MEANINGS = {
  /** Complete, passed, committed, merged, approved. */
  ok: { symbol: '✓', color: 'green' },
  /** Stopped, failed, blocked: needs you. */
  failed: { symbol: '✗', color: 'red' },
  /** Not a stop, but worth a look: a conflict, changes requested, a warning, a sandbox that is missing, a stale run. */
  warning: { symbol: '!', color: 'yellow' },
  /** Waiting on something outside it: a quota reset, a dependency, a person's approval, a cooldown. */
  waiting: { symbol: '…', color: 'yellow' },
  /** Under way: started, resumed, going on, the current milestone. */
  running: { symbol: '▶', color: 'cyan' },
  /** Not started yet. */
  pending: { symbol: '·', color: 'dim' },
  /** A detail under the line above it (a worker's activity). */
  detail: { symbol: '·', color: 'dim' },
  /** Left out (its dependency stopped). */
  skipped: { symbol: '–', color: 'dim' },
} as const satisfies Record<string, { symbol: string; color: 'green' | 'red' | 'yellow' | 'cyan' | 'dim' }>;

export type Meaning = keyof typeof MEANINGS;

/** The meaning's symbol in its colour. */
export const mark = (c: Colors, meaning: Meaning): string => c[MEANINGS[meaning].color](MEANINGS[meaning].symbol);

/** Text in the meaning's colour, with no symbol. */
export const paint = (c: Colors, meaning: Meaning, text: string): string => c[MEANINGS[meaning].color](text);

/** `<symbol> <text>`, all in the meaning's colour. */
export const marked = (c: Colors, meaning: Meaning, text: string): string => paint(c, meaning, `${MEANINGS[meaning].symbol} ${text}`);

/** The meaning of a milestone's or a task's status, as status, report and the orchestration views show it. */
export function meaningOfStatus(status: string): Meaning {
  switch (status) {
    case 'complete': return 'ok';
    case 'stopped': return 'failed';
    case 'in_progress':
    case 'running': return 'running';
    case 'waiting': return 'waiting';
    case 'skipped': return 'skipped';
    default: return 'pending';
  }
}

/** A stop needs you either way; one that waits for your approval is shown as waiting, every other as failed. */
export const meaningOfStop = (reason: string | null | undefined): Meaning => (reason === 'awaiting_approval' ? 'waiting' : 'failed');

/** A run's or an orchestration's state as one meaning: complete, stopped (or waiting for your approval), not executing (stale), or going on. */
export function meaningOfState(s: { stop_reason?: string | null; stale?: boolean }): Meaning {
  if (s.stop_reason === 'complete') return 'ok';
  if (s.stop_reason) return meaningOfStop(s.stop_reason);
  return s.stale ? 'warning' : 'running';
}

/** The same for an orchestration, whose `status` says when it is complete. */
export const meaningOfOrch = (s: { status: string; stop_reason?: string | null; stale?: boolean }): Meaning =>
  meaningOfState({ stop_reason: s.status === 'complete' ? 'complete' : s.stop_reason, stale: s.stale });
