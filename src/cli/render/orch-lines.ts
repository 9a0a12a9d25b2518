import type { OrchEvent } from '../../contracts/orchestration.js';
import type { Output } from './output.js';
import { mark, meaningOfStop, paint } from './symbols.js';

/** One human line per orchestration event (`orchestrate run` and `orchestrate follow`); null for events not worth a line. */
export function orchEventLine(out: Output, e: OrchEvent): string | null {
  const c = out.colors;
  switch (e.type) {
    case 'orch_started': return c.bold(`Orchestration ${e.orch_id}: ${e.tasks.length} tasks in ${e.tracks.length} tracks, up to ${e.options.max_parallel} at once (collisions: ${e.options.collision_policy})`);
    case 'orch_resumed': return c.bold('Resumed: runs under way first, then the tasks left');
    case 'task_run_started': return `${mark(c, 'running')} ${e.key} started: run ${e.run_id} from ${e.base_ref.length === 40 ? e.base_ref.slice(0, 12) : e.base_ref}`;
    case 'task_run_resumed': return `${mark(c, 'running')} ${e.key} resumed (run ${e.run_id}${e.after ? `, after ${e.after}` : ''}${e.auto ? ', automatically' : ''})`;
    case 'task_waiting': return `${mark(c, 'waiting')} ${e.key} waits (${e.reason}): ${e.detail}`;
    case 'task_going': return `${mark(c, 'running')} ${e.key} goes on`;
    case 'task_ended': return e.outcome === 'complete'
      ? `${mark(c, 'ok')} ${e.key} complete${e.checkpoint_sha ? ` (${e.checkpoint_sha.slice(0, 12)})` : ''}`
      : `${mark(c, meaningOfStop(e.stop_reason))} ${e.key} stopped: ${e.stop_reason}${e.stop_detail ? ` — ${e.stop_detail.split('\n')[0]}` : ''}${e.next_command ? `\n    next: ${e.next_command}` : ''}`;
    case 'task_skipped': return `${mark(c, 'skipped')} ${e.key} skipped: ${e.because}`;
    case 'task_reopened': return `${mark(c, 'running')} ${e.key} reopened${e.fresh ? ': it starts again with a new run' : ''}`;
    case 'integration_started': return `${mark(c, 'running')} integrating into ${e.branch}`;
    case 'integration_merged': return `${mark(c, 'ok')} merged ${e.key} (${e.sha.slice(0, 12)})`;
    case 'integration_conflict': return `${mark(c, 'warning')} merging ${e.key} conflicts in ${e.files.join(', ')}`;
    case 'integration_fix_started': return `${mark(c, 'running')} conflict-fix run ${e.run_id} started for ${e.key}`;
    case 'integration_verifying': return `${mark(c, 'running')} verifying the integration at ${e.sha.slice(0, 12)}`;
    case 'integration_verified': return e.ok ? `${mark(c, 'ok')} integration verified at ${e.sha.slice(0, 12)}` : `${mark(c, 'failed')} integration verification failed: ${e.failed_command}`;
    case 'orch_stopped': return e.outcome === 'complete' ? paint(c, 'ok', c.bold('Orchestration complete')) : paint(c, 'failed', `Orchestration stopped: ${e.stop_reason}${e.stop_detail ? ` — ${e.stop_detail}` : ''}`);
  }
}
