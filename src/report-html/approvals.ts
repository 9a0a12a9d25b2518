import type { RunEvent } from '../contracts/events.js';
import type { ReplayStep } from '../contracts/replay.js';
import { esc, table } from './escape.js';

/** One time a run waited at an approval gate, and what a person decided (`runr approve` / `runr reject`). */
export interface ApprovalEvidence {
  /** The gate: plan (after planning) or checkpoint (before a milestone's commit). */
  gate: string;
  /** The milestone a checkpoint gate held back; null for the plan gate. */
  milestone: string | null;
  asked_at: string;
  /** When the verdict was journaled; null while the run still waits. */
  decided_at: string | null;
  verdict: 'approve' | 'reject' | null;
  /** The reason given with a rejection (`--reason`). */
  reason: string | null;
}

/**
 * Each approval a run asked for and its verdict, as the journal records them: the wait from the replayed states
 * (awaiting_approval, at its gate), the verdict from the run_resumed event that `approve` or `reject` appended.
 */
export function approvalDecisions(events: readonly RunEvent[], steps: readonly ReplayStep[], milestoneIds: readonly string[]): ApprovalEvidence[] {
  const eventAt = new Map(events.map((e) => [e.seq, e]));
  const found: ApprovalEvidence[] = [];
  let open: ApprovalEvidence | null = null;
  for (const s of steps) {
    const event = eventAt.get(s.seq);
    if (open && event?.type === 'run_resumed' && event.approval) {
      open.decided_at = event.ts;
      open.verdict = event.approval.verdict;
      open.reason = event.approval.reason ?? null;
      open = null;
      continue;
    }
    const w = s.state.waiting;
    if (w?.reason === 'awaiting_approval' && !open) {
      const i = s.state.milestone_index;
      open = {
        gate: w.gate ?? 'approval', milestone: w.gate === 'checkpoint' ? milestoneIds[i] ?? `m${i + 1}` : null,
        asked_at: w.since ?? s.ts, decided_at: null, verdict: null, reason: null,
      };
      found.push(open);
    }
  }
  return found;
}

const VERDICT = { approve: '<span class="ok">approved</span>', reject: '<span class="bad">rejected</span>' } as const;

/** The review section's approvals: each gate reached, when it was asked and decided, the verdict and its reason. */
export function approvalsHtml(gates: readonly string[], approvals: readonly ApprovalEvidence[]): string {
  if (!gates.length && !approvals.length) return '';
  const configured = gates.length ? `<p class="meta">Approval gates in the config: ${esc(gates.join(', '))}.</p>` : '';
  const body = approvals.length
    ? table('Approvals: each gate reached and what was decided', ['gate', 'milestone', 'asked', 'decided', 'verdict', 'reason'], approvals.map((a) => [
      a.gate, a.milestone ?? '—', a.asked_at, a.decided_at ?? '—',
      { html: a.verdict ? VERDICT[a.verdict] : 'waiting for a person' }, a.reason ?? '—',
    ]))
    : '<p>No approval gate was reached.</p>';
  return `<h3 id="approvals-h">Approvals</h3>${configured}${body}`;
}
