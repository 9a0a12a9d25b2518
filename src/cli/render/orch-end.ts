import type { OrchState } from '../../contracts/orchestration.js';
import { orchCommand, orchGuidance } from '../../orchestrate/orch-status.js';
import type { Output } from './output.js';
import { taskLine } from './orch-view.js';
import { paint } from './symbols.js';

/** The end of an orchestration in words: each task's outcome, the integration, and the exact next command. */
export function printOrchEnd(out: Output, state: OrchState): void {
  const c = out.colors;
  out.say('');
  for (const t of state.tasks) out.say(taskLine(out, t));
  const i = state.integration;
  out.say(`  Integration ${i.branch}: ${i.status}${i.sha ? ` at ${i.sha.slice(0, 12)}` : ''}`);
  const next = orchGuidance(state, { pid: null, alive: false });
  if (state.status === 'complete') out.say(paint(c, 'ok', c.bold(`Orchestration ${state.orch_id} complete.`)) + ` Review: ${next.suggested_command}`);
  else out.say(paint(c, 'failed', c.bold(`Orchestration ${state.orch_id} stopped: ${state.stop_reason}`)) + (state.stop_detail ? ` — ${state.stop_detail}` : ''));
  if (state.status !== 'complete') out.say(`Next: ${next.suggested_command}`);
  out.say(c.dim(`Report: ${orchCommand('report', state.orch_id)}`));
}
