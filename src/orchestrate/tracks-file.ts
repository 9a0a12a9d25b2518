import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { usageError } from '../contracts/errors.js';
import { TracksFileSchema, type DependencyWhen, type TracksFile } from '../contracts/tracks.js';
import type { Dependency, PlannedTask } from './planned-task.js';
import { parseTask, TaskError } from '../task/parse.js';
import { orderTasks } from './task-graph.js';

export interface TracksPlan {
  file: string;
  tracks: { id: string; tasks: string[] }[];
  /** Every task, in an order in which each comes after all it depends on. */
  tasks: PlannedTask[];
}

/** A tracks file that cannot be run, with where in it (`tracks[1].tasks[0].path`) and what to change. */
const invalid = (file: string, where: string, message: string) => usageError('tracks_invalid', `${file}: ${where ? `${where}: ` : ''}${message}`);

export function yamlPath(segments: readonly PropertyKey[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i ? '.' : ''}${String(s)}`)).join('');
}

/**
 * Reads and checks a tracks file (SPEC §9): its shape, its task files (relative to the tracks file, else to
 * the repository), their front matter, every dependency and the absence of cycles. Throws one
 * `tracks_invalid` usage error naming the place; nothing is started.
 */
export function loadTracks(file: string, repoRoot: string): TracksPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw usageError('tracks_not_found', `Tracks file not found: ${file}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw invalid(file, e.linePos ? `line ${e.linePos[0].line}` : '', e.message.split('\n')[0]!);
  }
  const parsed = TracksFileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw invalid(file, '', describeIssues(parsed.error));
  const tracks = parsed.data.tracks;
  const tasks = plannedTasks(file, repoRoot, tracks);
  return { file, tracks: tracks.map((t) => ({ id: t.id, tasks: tasks.filter((x) => x.track === t.id).map((x) => x.key) })), tasks: orderTasks(tasks, (where, message) => invalid(file, where, message)) };
}

/** Every problem (the first three), each at its place: `tracks[0].tasks[1].path: …`. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((i) => {
    const where = yamlPath(i.path);
    const what = i.code === 'unrecognized_keys' ? `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message;
    return where ? `${where}: ${what}` : what;
  });
  return shown.join('; ') + (error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '');
}

function plannedTasks(file: string, repoRoot: string, tracks: TracksFile['tracks']): PlannedTask[] {
  const seenTracks = new Set<string>();
  const all: PlannedTask[] = [];
  tracks.forEach((track, t) => {
    if (seenTracks.has(track.id)) throw invalid(file, `tracks[${t}].id`, `track "${track.id}" is defined twice`);
    seenTracks.add(track.id);
    let previous: string | null = null;
    const ids = new Set<string>();
    track.tasks.forEach((entry, i) => {
      const where = `tracks[${t}].tasks[${i}]`;
      const taskFile = resolveTaskFile(file, repoRoot, entry.path);
      if (!taskFile) throw invalid(file, `${where}.path`, `task file not found: ${entry.path} (looked next to the tracks file and in the repository)`);
      let task;
      try {
        task = parseTask(fs.readFileSync(taskFile, 'utf8'), taskFile);
      } catch (err) {
        if (err instanceof TaskError) throw invalid(file, `${where}.path`, err.message);
        throw err;
      }
      const id = entry.id ?? path.basename(taskFile).replace(/\.md$/i, '');
      if (ids.has(id)) throw invalid(file, `${where}`, `task id "${id}" is used twice in track "${track.id}" (give one an id:)`);
      ids.add(id);
      const fm = task.front_matter;
      const key = `${track.id}/${id}`;
      const depends = [...(track.depends_on ?? []), ...(fm.depends_on ?? []), ...(entry.depends_on ?? [])].map(dependencyOf);
      all.push({
        key, track: track.id, id, file: taskFile, title: task.title,
        depends_on: previous ? [{ on: previous, when: 'complete' }, ...depends] : depends,
        previous,
        fast: entry.fast ?? fm.fast ?? null,
        worker: entry.worker ?? fm.worker ?? null,
        allowlist_add: [...new Set([...(fm.allowlist_add ?? []), ...(entry.allowlist_add ?? [])])],
        verification: entry.verification ?? null,
      });
      previous = key;
    });
  });
  return all;
}

function dependencyOf(dep: string | { on: string; when: DependencyWhen }): Dependency {
  return typeof dep === 'string' ? { on: dep, when: 'complete' } : dep;
}

function resolveTaskFile(tracksFile: string, repoRoot: string, taskPath: string): string | null {
  for (const base of [path.dirname(tracksFile), repoRoot]) {
    const candidate = path.resolve(base, taskPath);
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}
