/**
 * What `runr init` writes: the config built from a Detection, and the example task files
 * (kept as Markdown under `templates/tasks/` in the package).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../util/package-root.js';
import { DEFAULT_WORKERS, LimitsSchema, type Config } from '../contracts/config.js';
import type { Detection } from './detect.js';

/** `templates/` in the package. */
export function templatesDir(): string {
  return path.join(packageRoot(), 'templates');
}

/** Where `runr init --demo` finds its material (see templates/demo/README.md). */
export function demoTemplatePaths(): { projectDir: string; configFile: string; taskFile: string } {
  const dir = templatesDir();
  return {
    projectDir: path.join(dir, 'demo'),
    configFile: path.join(dir, 'demo-config.json'),
    taskFile: path.join(dir, 'demo-task.md'),
  };
}

/**
 * The config `runr init` writes. Verification and presets come from the detection; the allowlist
 * is the detected top-level code and test directories (empty = anything not denied); workers and
 * limits are the defaults of SPEC §7. Passes `ConfigSchema.parse`.
 */
export function buildInitConfig(d: Detection, projectName: string): Config {
  const allowlist = (d.dirs ?? []).map((dir) => `${dir.replace(/\/+$/, '')}/**`);
  return {
    agent: { name: projectName.trim() || 'project', version: '1' },
    scope: {
      allowlist: unique(allowlist),
      denylist: [],
      presets: unique(d.presets.filter(nonBlank)),
      protect: [],
      secrets_allow: [],
    },
    verification: {
      tier0: unique(d.verification.tier0.filter(nonBlank)),
      tier1: unique(d.verification.tier1.filter(nonBlank)),
      tier2: unique(d.verification.tier2.filter(nonBlank)),
    },
    workers: {
      planner: { ...DEFAULT_WORKERS.planner },
      implementer: { ...DEFAULT_WORKERS.implementer },
      reviewer: { ...DEFAULT_WORKERS.reviewer },
    },
    limits: LimitsSchema.parse({}),
    approvals: [],
  };
}

/**
 * The example task files `runr init` writes into `.runr/tasks/`, read from `templates/tasks/*.md`
 * (sorted by name). Empty when the templates are missing, so init never fails over examples.
 */
export function exampleTasks(): { file: string; content: string }[] {
  const dir = path.join(templatesDir(), 'tasks');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.md')).sort();
  } catch {
    return [];
  }
  const out: { file: string; content: string }[] = [];
  for (const file of names) {
    try {
      out.push({ file, content: readFileSync(path.join(dir, file), 'utf8') });
    } catch {
      // unreadable template: skip it
    }
  }
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function nonBlank(s: string): boolean {
  return s.trim() !== '';
}
