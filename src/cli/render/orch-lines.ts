import type { OrchEvent } from '../../contracts/orchestration.js';
import type { Output } from './output.js';

/** One human line per orchestration event (`orchestrate run` and `orchestrate follow`); null for events not worth a line. */
export function orchEventLine(out: Output, e: OrchEvent): string | null {
  const c = out.colors;
  switch (e.type) {
    case 'orch_started': return c.bold(`Orchestration ${e.orch_id}: ${e.tasks.length} tasks in ${e.tracks.length} tracks, up to ${e.options.max_parallel} at once (collisions: ${e.options.collision_policy})`);
    case 'orch_resumed': return c.bold('Resumed: runs under way first, then the tasks left');
    case 'task_run_started': return `${c.cyan('▶')} ${e.key} started: run ${e.run_id} from ${e.base_ref.length === 40 ? e.base_ref.slice(0, 12) : e.base_ref}`;
    case 'task_run_resumed': return `${c.cyan('↻')} ${e.key} resumed (run ${e.run_id}${e.after ? `, after ${e.after}` : ''}${e.auto ? ', automatically' : ''})`;
    case 'task_waiting': return `${c.yellow('…')} ${e.key} waits (${e.reason}): ${e.detail}`;
    case 'task_going': return `${c.cyan('▶')} ${e.key} goes on`;
    case 'task_ended': return e.outcome === 'complete'
      ? `${c.green('✓')} ${e.key} complete${e.checkpoint_sha ? ` (${e.checkpoint_sha.slice(0, 12)})` : ''}`
      : `${c.red('✗')} ${e.key} stopped: ${e.stop_reason}${e.stop_detail ? ` — ${e.stop_detail.split('\n')[0]}` : ''}${e.next_command ? `\n    next: ${e.next_command}` : ''}`;
    case 'task_skipped': return `${c.dim('–')} ${e.key} skipped: ${e.because}`;
    case 'task_reopened': return `${c.cyan('↻')} ${e.key} reopened${e.fresh ? ': it starts again with a new run' : ''}`;
    case 'integration_started': return `${c.cyan('⇢')} integrating into ${e.branch}`;
    case 'integration_merged': return `${c.green('✓')} merged ${e.key} (${e.sha.slice(0, 12)})`;
    case 'integration_conflict': return `${c.yellow('!')} merging ${e.key} conflicts in ${e.files.join(', ')}`;
    case 'integration_fix_started': return `${c.cyan('▶')} conflict-fix run ${e.run_id} started for ${e.key}`;
    case 'integration_verifying': return `${c.cyan('⇢')} verifying the integration at ${e.sha.slice(0, 12)}`;
    case 'integration_verified': return e.ok ? `${c.green('✓')} integration verified at ${e.sha.slice(0, 12)}` : `${c.red('✗')} integration verification failed: ${e.failed_command}`;
    case 'orch_stopped': return e.outcome === 'complete' ? c.green(c.bold('Orchestration complete')) : c.red(`Orchestration stopped: ${e.stop_reason}${e.stop_detail ? ` — ${e.stop_detail}` : ''}`);
  }
}
