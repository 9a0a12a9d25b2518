/**
 * Project detection for `runr init` (SPEC §3): works out verification commands and scope presets
 * from what is on disk. Reads a handful of well-known files; never scans the tree and never throws
 * on a malformed manifest (it records a note instead).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface Detection {
  /** Ecosystems found, in detection order: `node`, `python`, `go`, `rust`, `make`. */
  kinds: string[];
  verification: { tier0: string[]; tier1: string[]; tier2: string[] };
  presets: string[];
  /** Human-readable findings and warnings, one line each. */
  notes: string[];
  /**
   * Top-level directories that exist and make a sensible default scope allowlist
   * (see `buildInitConfig`). Absent on a hand-built Detection: the allowlist is then empty.
   */
  dirs?: string[];
}

type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** npm's default `test` script, written by `npm init`: never a real test command. */
const NPM_PLACEHOLDER_TEST = /no test specified/i;

/** package.json dependency → preset, in the order presets are reported. */
const DEPENDENCY_PRESETS: ReadonlyArray<readonly [preset: string, deps: readonly string[]]> = [
  ['nextjs', ['next']],
  ['react', ['react']],
  ['drizzle', ['drizzle-orm']],
  ['prisma', ['prisma', '@prisma/client']],
  ['vitest', ['vitest']],
  ['jest', ['jest']],
  ['playwright', ['@playwright/test']],
  ['typescript', ['typescript']],
  ['tailwind', ['tailwindcss']],
  ['eslint', ['eslint']],
  ['vite', ['vite']],
];

/**
 * Directories that make a default allowlist when present. Test directories alone are not enough
 * (an allowlist of only `tests/**` would forbid editing the code), so at least one source
 * directory must exist before any of these is used.
 */
const SOURCE_DIRS = [
  'src', 'lib', 'app', 'pages', 'components', 'hooks', 'styles', 'public', 'server', 'client',
  'packages', 'apps', 'pkg', 'cmd', 'internal', 'crates', 'benches', 'examples',
];
const TEST_DIRS = ['tests', 'test', '__tests__', 'spec', 'e2e'];

/** Directories never offered as Python packages in the allowlist. */
const NOT_PACKAGES = new Set(['node_modules', 'build', 'dist', 'venv', 'env', 'site-packages', 'docs']);

export async function detectProject(repoRoot: string): Promise<Detection> {
  const d: Detection = { kinds: [], verification: { tier0: [], tier1: [], tier2: [] }, presets: [], notes: [], dirs: [] };
  const root = path.resolve(repoRoot);
  let entries: string[];
  let dirEntries: Set<string>;
  try {
    const listing = await readdir(root, { withFileTypes: true });
    entries = listing.map((e) => e.name);
    dirEntries = new Set(listing.filter((e) => e.isDirectory()).map((e) => e.name));
  } catch (err) {
    d.notes.push(`Could not read ${root}: ${errorText(err)}. Fill in verification in .runr/runr.config.json by hand.`);
    return d;
  }
  const has = (name: string): boolean => entries.includes(name);

  if (has('package.json')) await detectNode(root, has, d);
  await detectPython(root, entries, dirEntries, d);
  if (has('go.mod')) detectGo(d);
  if (has('Cargo.toml')) detectRust(d);
  await detectMake(root, has, d);

  d.dirs = await allowlistDirs(root, dirEntries, d.kinds.includes('python'));

  const { tier0, tier1, tier2 } = d.verification;
  if (tier0.length + tier1.length + tier2.length === 0) {
    d.notes.push(
      'No verification commands detected: fill in verification.tier0/tier1/tier2 in .runr/runr.config.json by hand '
      + '(runr will not call work done until those commands pass).',
    );
  } else if (tier2.length === 0) {
    d.notes.push('No test command detected: add one to verification.tier2 in .runr/runr.config.json.');
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Node

async function detectNode(root: string, has: (name: string) => boolean, d: Detection): Promise<void> {
  d.kinds.push('node');
  const text = await readText(path.join(root, 'package.json'));
  if (text === null) {
    d.notes.push('package.json could not be read: no commands or presets taken from it.');
    return;
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (err) {
    d.notes.push(`package.json is not valid JSON (${errorText(err)}): no commands or presets taken from it.`);
    return;
  }
  if (!isRecord(pkg)) {
    d.notes.push('package.json is not a JSON object: no commands or presets taken from it.');
    return;
  }

  const pm = packageManager(has, pkg);
  const scripts = stringRecord(pkg['scripts']);
  const run = (script: string): string => (pm === 'yarn' ? `yarn ${script}` : `${pm} run ${script}`);
  const found: string[] = [];

  if (nonEmpty(scripts['typecheck'])) { d.verification.tier0.push(run('typecheck')); found.push('typecheck'); }
  if (nonEmpty(scripts['lint'])) { d.verification.tier0.push(run('lint')); found.push('lint'); }
  if (nonEmpty(scripts['build'])) { d.verification.tier1.push(run('build')); found.push('build'); }
  const test = scripts['test'];
  if (nonEmpty(test)) {
    if (NPM_PLACEHOLDER_TEST.test(test)) {
      d.notes.push('package.json "test" is npm\'s placeholder ("no test specified"): not used for verification.');
    } else {
      // `bun test` is bun's own test runner, not the script: bun needs `bun run test`.
      d.verification.tier2.push(pm === 'bun' ? 'bun run test' : `${pm} test`);
      found.push('test');
    }
  }
  d.notes.push(found.length > 0
    ? `package.json: scripts ${found.join(', ')} (run with ${pm}).`
    : 'package.json: no typecheck, lint, build or test script found.');

  const deps = new Set([
    ...Object.keys(stringRecord(pkg['dependencies'])),
    ...Object.keys(stringRecord(pkg['devDependencies'])),
  ]);
  for (const [preset, names] of DEPENDENCY_PRESETS) {
    if (names.some((n) => deps.has(n))) addPreset(d, preset);
  }
  if (!d.presets.includes('typescript') && has('tsconfig.json')) addPreset(d, 'typescript');
}

function packageManager(has: (name: string) => boolean, pkg: Record<string, unknown>): PackageManager {
  if (has('pnpm-lock.yaml')) return 'pnpm';
  if (has('yarn.lock')) return 'yarn';
  if (has('bun.lockb') || has('bun.lock')) return 'bun';
  if (has('package-lock.json') || has('npm-shrinkwrap.json')) return 'npm';
  // No lockfile: honour corepack's "packageManager": "pnpm@9.1.0" when present.
  const declared = typeof pkg['packageManager'] === 'string' ? pkg['packageManager'].split('@')[0] : undefined;
  if (declared === 'pnpm' || declared === 'yarn' || declared === 'bun') return declared;
  return 'npm';
}

// ---------------------------------------------------------------------------------------------
// Python

async function detectPython(
  root: string, names: string[], dirs: Set<string>, d: Detection,
): Promise<void> {
  const has = (name: string): boolean => names.includes(name);
  const requirementFiles = names.filter((n) => /^requirements.*\.txt$/i.test(n)).sort();
  const markers = ['pyproject.toml', 'setup.py', 'setup.cfg', 'pytest.ini'].filter(has);
  if (markers.length === 0 && requirementFiles.length === 0) return;
  d.kinds.push('python');
  addPreset(d, 'python');

  const pyproject = has('pyproject.toml') ? await readText(path.join(root, 'pyproject.toml')) : null;
  if (has('pyproject.toml') && pyproject === null) d.notes.push('pyproject.toml could not be read: detection from it skipped.');
  if (pyproject !== null && !looksLikeToml(pyproject)) {
    d.notes.push('pyproject.toml does not look like valid TOML: check it; detection from it may be incomplete.');
  }
  const setupCfg = has('setup.cfg') ? (await readText(path.join(root, 'setup.cfg'))) ?? '' : '';
  const toxIni = has('tox.ini') ? (await readText(path.join(root, 'tox.ini'))) ?? '' : '';
  let requirements = '';
  for (const f of requirementFiles) requirements += `${(await readText(path.join(root, f))) ?? ''}\n`;
  const py = pyproject ?? '';

  const pytestSignals: string[] = [];
  if (has('pytest.ini')) pytestSignals.push('pytest.ini');
  if (/^\s*\[tool\.pytest/m.test(py)) pytestSignals.push('[tool.pytest] in pyproject.toml');
  else if (/["']pytest\b|^\s*pytest\s*=/m.test(py)) pytestSignals.push('pytest in pyproject.toml dependencies');
  if (/^\s*\[tool:pytest\]/m.test(setupCfg)) pytestSignals.push('[tool:pytest] in setup.cfg');
  if (/^\s*\[pytest\]/m.test(toxIni)) pytestSignals.push('[pytest] in tox.ini');
  if (/^\s*pytest\b/im.test(requirements)) pytestSignals.push('pytest in requirements');
  if (has('conftest.py')) pytestSignals.push('conftest.py');
  if (pytestSignals.length === 0) {
    for (const dir of ['tests', 'test']) {
      if (dirs.has(dir) && (await safeReaddir(path.join(root, dir))).some((n) => /^test_.*\.py$|_test\.py$/.test(n))) {
        pytestSignals.push(`${dir}/test_*.py`);
        break;
      }
    }
  }

  const runner = pythonRunner(has);
  const ruff = has('ruff.toml') || has('.ruff.toml') || /^\s*\[tool\.ruff/m.test(py)
    || /["']ruff\b|^\s*ruff\s*=/m.test(py) || /^\s*ruff\b/im.test(requirements);
  if (ruff) d.verification.tier0.push(`${runner.prefix}ruff check .`);
  if (pytestSignals.length > 0) {
    d.verification.tier2.push(runner.prefix ? `${runner.prefix}pytest` : 'python -m pytest');
    addPreset(d, 'pytest');
  }
  const bits = [`Python project (${[...markers, ...requirementFiles].join(', ')})`];
  if (pytestSignals.length > 0) bits.push(`pytest (${pytestSignals.join(', ')})`);
  if (ruff) bits.push('ruff');
  if (runner.prefix) bits.push(`commands run through ${runner.tool} (${runner.lock})`);
  d.notes.push(`${bits.join('; ')}.`);
}

function pythonRunner(has: (name: string) => boolean): { prefix: string; tool?: string; lock?: string } {
  if (has('uv.lock')) return { prefix: 'uv run ', tool: 'uv', lock: 'uv.lock' };
  if (has('poetry.lock')) return { prefix: 'poetry run ', tool: 'poetry', lock: 'poetry.lock' };
  return { prefix: '' };
}

/** A cheap sanity check, not a parser: every non-blank, non-comment line must look like TOML. */
function looksLikeToml(text: string): boolean {
  let open = 0; // inside a multi-line array/inline table or string, lines are not checked
  let inString = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const tripleQuotes = (line.match(/"""|'''/g) ?? []).length;
    if (inString) { if (tripleQuotes % 2 === 1) inString = false; continue; }
    if (tripleQuotes % 2 === 1) { inString = true; continue; }
    if (open > 0) { open += bracketBalance(line); continue; }
    if (line === '' || line.startsWith('#')) continue;
    if (/^\[\[?[^\]]+\]\]?\s*(#.*)?$/.test(line)) continue;
    if (!/^("[^"]*"|'[^']*'|[A-Za-z0-9_.\-"' ]+?)\s*=/.test(line)) return false;
    open = Math.max(0, bracketBalance(line.slice(line.indexOf('=') + 1)));
  }
  return !inString;
}

function bracketBalance(s: string): number {
  const stripped = s.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '').replace(/#.*$/, '');
  let n = 0;
  for (const ch of stripped) {
    if (ch === '[' || ch === '{') n += 1;
    else if (ch === ']' || ch === '}') n -= 1;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Go, Rust, Make

function detectGo(d: Detection): void {
  d.kinds.push('go');
  addPreset(d, 'go');
  d.verification.tier0.push('go vet ./...');
  d.verification.tier1.push('go build ./...');
  d.verification.tier2.push('go test ./...');
  d.notes.push('Go module (go.mod): go vet, go build and go test.');
}

function detectRust(d: Detection): void {
  d.kinds.push('rust');
  addPreset(d, 'rust');
  d.verification.tier1.push('cargo build');
  d.verification.tier2.push('cargo test');
  d.notes.push('Rust crate (Cargo.toml): cargo build and cargo test.');
}

async function detectMake(root: string, has: (name: string) => boolean, d: Detection): Promise<void> {
  const file = ['GNUmakefile', 'makefile', 'Makefile'].find(has);
  if (file === undefined) return;
  const text = await readText(path.join(root, file));
  if (text === null) {
    d.notes.push(`${file} could not be read: make targets not detected.`);
    return;
  }
  const targets = makeTargets(text);
  const used: string[] = [];
  if (targets.has('lint') && d.verification.tier0.length === 0) { d.verification.tier0.push('make lint'); used.push('lint'); }
  if (targets.has('test') && d.verification.tier2.length === 0) { d.verification.tier2.push('make test'); used.push('test'); }
  if (used.length > 0 || targets.has('test') || targets.has('lint')) d.kinds.push('make');
  if (used.length > 0) d.notes.push(`${file}: target${used.length > 1 ? 's' : ''} ${used.join(', ')}.`);
}

/** Rule targets of a Makefile (`name:` and `a b: deps`), not variable assignments (`x := y`). */
function makeTargets(text: string): Set<string> {
  const targets = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (/^\s/.test(line) || line.startsWith('#')) continue;
    const m = /^([^:#=]+?)\s*::?(?!=)/.exec(line);
    if (!m?.[1]) continue;
    for (const t of m[1].trim().split(/\s+/)) targets.add(t);
  }
  return targets;
}

// ---------------------------------------------------------------------------------------------
// Allowlist directories

async function allowlistDirs(root: string, dirs: Set<string>, python: boolean): Promise<string[]> {
  const sources = SOURCE_DIRS.filter((n) => dirs.has(n));
  if (python) {
    // Flat-layout Python packages (`mypkg/__init__.py`) hold the code when there is no src/.
    for (const name of [...dirs].sort()) {
      if (name.startsWith('.') || NOT_PACKAGES.has(name) || SOURCE_DIRS.includes(name) || TEST_DIRS.includes(name)) continue;
      if (await isFile(path.join(root, name, '__init__.py'))) sources.push(name);
    }
  }
  if (sources.length === 0) return [];
  return [...sources, ...TEST_DIRS.filter((n) => dirs.has(n))];
}

// ---------------------------------------------------------------------------------------------
// helpers

function addPreset(d: Detection, preset: string): void {
  if (!d.presets.includes(preset)) d.presets.push(preset);
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringRecord(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function nonEmpty(s: string | undefined): s is string {
  return typeof s === 'string' && s.trim() !== '';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
