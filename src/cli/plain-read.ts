import type { Load } from './action.js';

/** Defaults of options the plain reads share with the full command line (program.ts): one source for both. */
export const READ_DEFAULTS = { repo: '.', waitFor: 'terminal' } as const;

const READS: Record<string, { load: Load; options: Record<string, string> }> = {
  status: { load: () => import('./status.js'), options: { repo: READ_DEFAULTS.repo } },
  report: { load: () => import('./report.js'), options: { repo: READ_DEFAULTS.repo } },
  wait: { load: () => import('./wait.js'), options: { repo: READ_DEFAULTS.repo, for: READ_DEFAULTS.waitFor } },
};

/**
 * The reads scripts run most, exactly `runr status|report|wait <run_id> [--json]`, as the command and the
 * arguments commander would give its action; null for any other command line, which commander parses. Loading
 * commander costs about a fifth of a bare node's start-up, and these must start within 1.3× of it (issue 12).
 */
export function plainRead(argv: string[]): { load: Load; args: unknown[] } | null {
  const [name, runId, ...rest] = argv;
  const read = Object.hasOwn(READS, name ?? '') ? READS[name!] : undefined;
  if (!read || runId === undefined || runId.startsWith('-')) return null;
  if (rest.length > 1 || (rest.length === 1 && rest[0] !== '--json')) return null;
  return { load: read.load, args: [runId, rest.length ? { ...read.options, json: true } : { ...read.options }] };
}
