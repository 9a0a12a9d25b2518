import type { ReplayStep } from '../contracts/replay.js';
import { table, usd } from './escape.js';

/** The journal's replay (each event and the state it produced) as a collapsed table. */
export function replaySection(steps: readonly ReplayStep[]): string {
  const rows = steps.map((s) => [
    s.seq, s.ts, s.event.description, s.state.phase, `${s.state.milestones_completed}/${s.state.milestones_total}`,
    s.state.stop_reason ?? (s.state.waiting ? `waiting: ${s.state.waiting.reason}` : ''),
    `${s.state.counters.verification_failures}/${s.state.counters.review_rounds}/${s.state.counters.implement_attempt}`, usd(s.state.usage.cost_usd),
  ]);
  return `<section aria-labelledby="replay-h"><h2 id="replay-h">Replay</h2>
<details><summary>Every journal event and the state it produced (${steps.length})</summary>
${table('Replay of the journal', ['seq', 'time', 'event', 'phase', 'milestones', 'stop / wait', 'verify fails / review rounds / attempt', 'cost'], rows)}</details></section>`;
}
