import type { ReplayStep } from '../../contracts/replay.js';
import type { RunState } from '../../contracts/state.js';
import type { Output } from './output.js';
import { mark } from './symbols.js';

/** `#12 14:03:05 IMPLEMENT m1 a2 → result ok · phase VERIFY m1/2 · done 0/2 · verify failures 1 · $0.0123` (time in UTC). */
export function replayLine(s: ReplayStep): string {
  const st = s.state;
  const where = st.milestones_total ? ` m${Math.min(st.milestone_index + 1, st.milestones_total)}/${st.milestones_total}` : '';
  const parts = [`phase ${st.phase}${where}`, `done ${st.milestones_completed}/${st.milestones_total}`];
  if (st.stop_reason) parts.push(`stop ${st.stop_reason}`);
  if (st.waiting) parts.push(`waiting ${st.waiting.reason}${st.waiting.gate ? ` (${st.waiting.gate})` : ''}${st.waiting.retry_at ? ` until ${st.waiting.retry_at}` : ''}`);
  if (st.counters.verification_failures) parts.push(`verify failures ${st.counters.verification_failures}`);
  if (st.counters.review_rounds) parts.push(`review rounds ${st.counters.review_rounds}`);
  parts.push(`ticks ${st.counters.ticks}`);
  if (st.usage.calls) parts.push(`${st.usage.calls} call${st.usage.calls === 1 ? '' : 's'}${st.usage.cost_usd ? ` $${st.usage.cost_usd.toFixed(4)}` : ''}`);
  return `#${s.seq} ${s.ts.slice(11, 19)} ${s.event.description} · ${parts.join(' · ')}`;
}

/** The whole state after `--at`'s event, readably. */
export function renderStateAt(out: Output, seq: number, state: RunState): void {
  const c = out.colors;
  out.say('');
  out.say(c.bold(`State after event #${seq} (${state.updated_at})`));
  out.say(`  phase        ${state.phase}${state.stop_reason ? ` (stopped: ${state.stop_reason})` : ''}`);
  if (state.stop_detail) out.say(`  stop detail  ${state.stop_detail}`);
  out.say(`  session      ${state.session.number} (since ${state.session.started_at}, ${state.session.ticks} ticks)`);
  if (!state.milestones.length) out.say('  milestones   none planned yet');
  for (const [i, m] of state.milestones.entries()) {
    const current = i === state.milestone_index && state.phase !== 'STOPPED' ? mark(c, 'running') : ' ';
    out.say(`  ${current} ${m.id.padEnd(4)} ${m.status.padEnd(11)} ${m.checkpoint_sha ? `${m.checkpoint_sha.slice(0, 8)} ` : ''}${m.goal}`);
  }
  const l = state.loop;
  out.say(`  loop         verification failures ${l.verification_failures}, review rounds ${l.review_rounds}, implement attempt ${l.implement_attempt}, quota waits ${l.quota_waits}`);
  const f = state.feedback;
  if (f.verification_failure) out.say(`  last failure ${f.verification_failure.command} (exit ${f.verification_failure.exit_code}): ${f.verification_failure.excerpt.split('\n')[0] ?? ''}`);
  if (f.review_comments?.length) out.say(`  review       ${f.review_comments.join(' · ')}`);
  if (f.guard_violation_files?.length) out.say(`  violations   ${f.guard_violation_files.join(', ')}`);
  const q = state.queue;
  out.say(`  next         ${q.pending.length ? q.pending.map((e) => `${e.id} ${e.kind}${e.kind === 'worker' ? ` ${e.phase}` : ''}${e.id === q.in_flight ? ' (in flight)' : ''}`).join(', ') : 'nothing'}`);
  if (q.waiting) out.say(`  waiting      ${q.waiting.reason} until ${q.waiting.retry_at}`);
  const u = state.stats.usage.total;
  out.say(`  usage        ${u.calls} calls, ${u.input_tokens} in / ${u.output_tokens} out tokens, $${u.cost_usd.toFixed(4)}${u.unpriced_calls ? ` (+${u.unpriced_calls} unpriced)` : ''}`);
  out.say(`  ticks        ${state.stats.ticks}`);
}
