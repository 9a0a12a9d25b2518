import { createRequire } from 'node:module';
import { TaskFrontMatterSchema, type Task } from '../contracts/task.js';

export class TaskError extends Error {}

// yaml (CommonJS) is required only for a task that has front matter: most have none, and loading it would delay
// every run's first journal event (issue 12).
const requireHere = createRequire(import.meta.url);
const parseYaml = (text: string): unknown => (requireHere('yaml') as typeof import('yaml')).parse(text);

const SECTIONS = { goal: 'goal', requirements: 'requirements', 'success criteria': 'success_criteria', notes: 'notes' } as const;

/** Parses a task file (SPEC §1): `# title`, `## Goal` (required), `## Requirements`, `## Success Criteria`, `## Notes`. */
export function parseTask(text: string, file: string): Task {
  let body = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  let frontMatter: unknown = {};
  const fm = /^---\n([\s\S]*?)\n---\n?/.exec(body);
  if (fm) {
    try {
      frontMatter = parseYaml(fm[1] ?? '') ?? {};
    } catch (err) {
      throw new TaskError(`${file}: the YAML front matter is invalid: ${(err as Error).message.split('\n')[0]}`);
    }
    body = body.slice(fm[0].length);
  }
  const parsedFm = TaskFrontMatterSchema.safeParse(frontMatter);
  if (!parsedFm.success) {
    const issues = parsedFm.error.issues.map((i) => `${i.path.join('.') || '(front matter)'}: ${i.message}`).join('; ');
    throw new TaskError(`${file}: invalid front matter: ${issues}`);
  }

  const sections: Record<string, string[]> = {};
  let title = '';
  let current: string | null = null;
  for (const line of body.split('\n')) {
    const h1 = /^#\s+(.+?)\s*#*\s*$/.exec(line);
    const h2 = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h1 && !title) {
      title = h1[1] ?? '';
      current = null;
    } else if (h2) {
      const name = (h2[1] ?? '').toLowerCase().replace(/[:\s]+$/, '');
      current = name in SECTIONS ? SECTIONS[name as keyof typeof SECTIONS] : null;
      if (current) sections[current] = [];
    } else if (current) {
      sections[current]?.push(line);
    }
  }
  const get = (k: string) => (sections[k] ?? []).join('\n').trim();
  const goal = get('goal');
  if (!title.trim()) {
    throw new TaskError(`${file}: the task has no "# Title" line (a task file starts with "# Title", then "## Goal"; see the operator guide's task format)`);
  }
  if (!goal) {
    throw new TaskError(`${file}: the task has no "## Goal" section (a task file needs "# Title" and "## Goal"; see the operator guide's task format)`);
  }
  return {
    title,
    goal,
    requirements: get('requirements'),
    success_criteria: get('success_criteria'),
    notes: get('notes'),
    front_matter: parsedFm.data,
    body: body.trim(),
  };
}
