import ora, { type Ora } from 'ora';
import type { RunEventInput } from '../../contracts/events.js';
import type { Effect, EffectOf, ResultOf } from '../../contracts/effects.js';
import type { RunState } from '../../contracts/state.js';
import { describeViolations } from '../../guard/index.js';
import { failureHighlights } from '../../verify/failure-lines.js';
import type { Output } from './output.js';
import { mark, marked, type Meaning } from './symbols.js';

/** A step's closing line and what it means (ok, failed, or a warning that the run goes on from). */
interface Shown { meaning: Meaning; text: string }

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function startedText(state: RunState, event: Extract<RunEventInput, { type: 'effect_started' }>): string | null {
  const e = event.effect;
  const m = state.milestones['milestone_index' in e ? e.milestone_index : 0];
  const ms = m ? `${m.id} ` : '';
  switch (e.kind) {
    case 'worker':
      if (e.phase === 'PLAN') return `PLAN       asking the planner for milestones${e.followup ? ` (follow-up ${e.followup})` : ''}`;
      if (e.phase === 'IMPLEMENT') return `IMPLEMENT  ${ms}attempt ${e.attempt}${e.followup ? `, follow-up ${e.followup}` : ''}: ${m?.goal ?? ''}`;
      return `REVIEW     ${ms}asking the reviewer${e.followup ? ` (follow-up ${e.followup})` : ''}`;
    case 'verify': return `VERIFY     ${ms}running verification`;
    case 'checkpoint': return `CHECKPOINT ${ms}committing`;
    // Counted from the event, not from now: a replayed wait shows how long it was.
    case 'wait_until': return `WAITING    ${e.reason}: a worker is rate limited; retrying at ${e.until} (in ${Math.max(0, Math.round((Date.parse(e.until) - Date.parse(event.ts)) / 1000))} s)`;
    default: return null;
  }
}

function workerResultText(state: RunState, effect: EffectOf<'worker'>, r: ResultOf<'worker'>): Shown | null {
  if (r.outcome !== 'result') return { meaning: 'failed', text: `${effect.phase.padEnd(10)} worker ${r.outcome}${r.detail ? `: ${r.detail}` : ''}` };
  if (state.phase === 'STOPPED' || state.queue.pending[0]?.kind === 'worker' && state.queue.pending[0].phase === effect.phase) return null;
  if (effect.phase === 'PLAN') {
    return { meaning: 'ok', text: `PLAN       ${state.milestones.length} milestone${state.milestones.length === 1 ? '' : 's'}: ${state.milestones.map((m) => m.goal).join(' · ')}` };
  }
  if (effect.phase === 'REVIEW') {
    const approved = state.queue.pending[0]?.kind === 'checkpoint';
    return approved
      ? { meaning: 'ok', text: 'REVIEW     approved' }
      : { meaning: 'warning', text: `REVIEW     changes requested: ${(state.feedback.review_comments ?? []).join(' · ')}` };
  }
  const id = state.milestones[effect.milestone_index]?.id ?? '';
  return { meaning: 'ok', text: `IMPLEMENT  ${id} attempt ${effect.attempt} done${state.feedback.implement_note ? `: ${state.feedback.implement_note}` : ''}` };
}

/** An implementer attempt that changed no file: let through for its reason, or asked again (or the run stops). */
function emptyImplementText(state: RunState, effect: Effect): Shown {
  const id = 'milestone_index' in effect ? state.milestones[effect.milestone_index]?.id ?? '' : '';
  const reason = state.feedback.no_change_reason;
  if (reason) return { meaning: 'ok', text: `IMPLEMENT  ${id} changed no file; none needed: ${reason}` };
  const stopped = state.phase === 'STOPPED';
  return { meaning: stopped ? 'failed' : 'warning', text: `IMPLEMENT  ${id} changed no file${stopped ? '' : ': nothing to verify, asking again'}` };
}

function resultText(state: RunState, effect: Effect, event: Extract<RunEventInput, { type: 'effect_result' }>): Shown | null {
  const r = event.result;
  switch (r.kind) {
    case 'worker':
      return effect.kind === 'worker' ? workerResultText(state, effect, r) : null;
    case 'guard':
      if (!r.ok) return { meaning: 'failed', text: `SCOPE      blocked: ${describeViolations(r.violations)}` };
      if (!r.empty) return null;
      return emptyImplementText(state, effect);
    case 'verify': {
      if (r.ok) return { meaning: 'ok', text: `VERIFY     passed (${r.commands.length} command${r.commands.length === 1 ? '' : 's'}, ${seconds(r.duration_ms)})` };
      const f = r.failure;
      // What failed, not only that it did: the failing tests' or errors' lines of the output.
      const shown = f ? failureHighlights(f.excerpt).map((l) => `\n    │ ${l}`).join('') : '';
      return { meaning: 'failed', text: `VERIFY     ${f ? `${f.command} ${f.timed_out ? 'timed out' : `failed (exit ${f.exit_code})`}` : 'failed'}${shown}` };
    }
    case 'checkpoint':
      if (r.ok && r.empty) return { meaning: 'ok', text: `CHECKPOINT ${state.milestones.filter((x) => x.status === 'complete').at(-1)?.id ?? ''} empty: no file changed, nothing committed` };
      return r.ok ? { meaning: 'ok', text: `CHECKPOINT ${state.milestones.filter((x) => x.status === 'complete').at(-1)?.id ?? ''} committed ${r.sha.slice(0, 8)}${r.reused ? ' (found, already made)' : ''}` } : null;
    default:
      return null;
  }
}

/** `1m 05s`, `42s`: how long a step has been going. */
export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** A running step's spinner line: the step, its elapsed time, and what the worker did last. */
function spinnerText(text: string, since: number, latest: string | null): string {
  return `${text} (${elapsedText(Date.now() - since)})${latest ? ` · ${latest}` : ''}`;
}

/** How often a plain (non-TTY) progress line says that a long step is still going; RUNR_PROGRESS_HEARTBEAT_S overrides it. */
export const HEARTBEAT_MS = 30_000;

export interface ProgressOptions {
  heartbeatMs?: number;
}

/** The heartbeat a user set (RUNR_PROGRESS_HEARTBEAT_S, seconds), or the default. */
export function progressOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ProgressOptions {
  const s = Number(env.RUNR_PROGRESS_HEARTBEAT_S);
  return Number.isFinite(s) && s > 0 ? { heartbeatMs: s * 1000 } : {};
}

/**
 * Human progress for a run executing in the foreground (or followed): a spinner with the step's elapsed time
 * on a TTY; plain lines otherwise, with a heartbeat line during a long step, so that a CI log always shows that
 * work is moving. Elapsed time counts from the step's journaled start (a follow that attaches late shows it right).
 */
export function progressPrinter(out: Output, opts: ProgressOptions = {}): (state: RunState, event: RunEventInput) => void {
  let spinner: Ora | null = null;
  let current: Effect | null = null;
  let ticker: NodeJS.Timeout | null = null;
  /** The running step's line, and its start, for the spinner's text. */
  let running: { text: string; since: number } | null = null;
  let latest: string | null = null;
  const c = out.colors;
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    ticker = null;
  };
  const tick = (text: string, since: number) => {
    stopTicker();
    // unref: a ticker never keeps the process alive by itself.
    if (spinner) ticker = setInterval(() => { if (spinner) spinner.text = spinnerText(text, since, latest); }, 1000).unref();
    else ticker = setInterval(() => out.say(marked(c, 'running', `${text}: still going, ${elapsedText(Date.now() - since)}`)), heartbeatMs).unref();
  };
  return (state, event) => {
    if (event.type === 'worker_activity') {
      // The worker's own steps as they come: the spinner shows the latest, a plain log gets each.
      if (spinner && running) {
        latest = event.items.at(-1)?.text ?? latest;
        spinner.text = spinnerText(running.text, running.since, latest);
      } else if (!out.interactive) for (const item of event.items) out.say(`    ${marked(c, 'detail', item.text)}`);
      return;
    }
    if (event.type === 'effect_started') {
      current = event.effect;
      const text = startedText(state, event);
      stopTicker();
      running = null;
      latest = null;
      if (!text) return;
      running = { text, since: Date.parse(event.ts) };
      if (out.interactive) spinner = ora({ text, stream: out.json ? process.stderr : process.stdout }).start();
      else out.say(marked(c, 'running', text));
      tick(text, Date.parse(event.ts));
      return;
    }
    stopTicker();
    if (event.type === 'run_stopped') {
      finish('failed', `STOPPED    ${event.detail}`);
      return;
    }
    if (event.type === 'effect_result' && current) {
      const shown = resultText(state, current, event);
      if (shown) finish(shown.meaning, shown.text);
      else if (spinner) {
        spinner.stop();
        spinner = null;
      }
    }
  };
  function finish(meaning: Meaning, text: string) {
    if (spinner) {
      // Not ora's succeed/fail: their marks are log-symbols', not the registry's.
      spinner.stopAndPersist({ symbol: mark(c, meaning), text });
      spinner = null;
    } else out.say(marked(c, meaning, text));
  }
}
