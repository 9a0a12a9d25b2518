import type { RunrError } from '../contracts/errors.js';
import type { PlannedTask } from './planned-task.js';

type Invalid = (where: string, message: string) => RunrError;

/**
 * Resolves every dependency to a task key (a track stands for its last task), refuses unknown names and
 * cycles (naming the cycle), and returns the tasks in an order in which each comes after all it depends on
 * (the file's order wherever the dependencies allow it).
 */
export function orderTasks(tasks: PlannedTask[], invalid: Invalid): PlannedTask[] {
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const lastOfTrack = new Map<string, string>();
  for (const t of tasks) lastOfTrack.set(t.track, t.key);
  const resolved = tasks.map((t) => ({
    ...t,
    depends_on: t.depends_on.map((d) => {
      if (d.on === t.track) throw invalid(t.key, 'depends on its own track (the tasks of a track already run in order)');
      const on = byKey.has(d.on) ? d.on : lastOfTrack.get(d.on);
      if (!on) throw invalid(t.key, `depends on "${d.on}", which is neither a track nor a track/task of this file`);
      if (on === t.key) throw invalid(t.key, 'depends on itself');
      return { ...d, on };
    }),
  }));
  const done = new Set<string>();
  const ordered: PlannedTask[] = [];
  const visiting: string[] = [];
  const visit = (task: PlannedTask) => {
    if (done.has(task.key)) return;
    const at = visiting.indexOf(task.key);
    if (at >= 0) throw invalid(task.key, `dependency cycle: ${[...visiting.slice(at), task.key].join(' → ')}`);
    visiting.push(task.key);
    for (const d of task.depends_on) visit(resolved.find((t) => t.key === d.on)!);
    visiting.pop();
    done.add(task.key);
    ordered.push(task);
  };
  for (const t of resolved) visit(t);
  return ordered;
}
