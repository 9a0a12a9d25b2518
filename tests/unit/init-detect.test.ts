import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectProject, type Detection } from '../../src/config/detect.js';
import { buildInitConfig, demoTemplatePaths, exampleTasks } from '../../src/config/init-files.js';
import { packageRoot } from '../../src/util/package-root.js';
import { ConfigSchema } from '../../src/contracts/config.js';

const dirs: string[] = [];

async function repo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'runr-detect-'));
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    if (rel.endsWith('/')) { // directory only
      await mkdir(file, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return root;
}

const pkg = (obj: unknown): string => JSON.stringify(obj, null, 2);

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('detectProject: node', () => {
  it('maps package.json scripts to tiers with npm', async () => {
    const root = await repo({
      'package.json': pkg({ scripts: { typecheck: 'tsc --noEmit', lint: 'eslint .', build: 'tsc', test: 'vitest run', dev: 'x' } }),
      'package-lock.json': '{}',
    });
    const d = await detectProject(root);
    expect(d.kinds).toEqual(['node']);
    expect(d.verification).toEqual({
      tier0: ['npm run typecheck', 'npm run lint'],
      tier1: ['npm run build'],
      tier2: ['npm test'],
    });
  });

  it("ignores npm's placeholder test script and says so", async () => {
    const root = await repo({
      'package.json': pkg({ scripts: { build: 'tsc', test: 'echo "Error: no test specified" && exit 1' } }),
    });
    const d = await detectProject(root);
    expect(d.verification.tier2).toEqual([]);
    expect(d.verification.tier1).toEqual(['npm run build']);
    expect(d.notes.join('\n')).toMatch(/placeholder/);
    expect(d.notes.join('\n')).toMatch(/tier2/);
  });

  it('uses pnpm when pnpm-lock.yaml exists', async () => {
    const root = await repo({
      'package.json': pkg({ scripts: { lint: 'eslint .', build: 'vite build', test: 'vitest run' } }),
      'pnpm-lock.yaml': 'lockfileVersion: 9.0\n',
    });
    const d = await detectProject(root);
    expect(d.verification).toEqual({ tier0: ['pnpm run lint'], tier1: ['pnpm run build'], tier2: ['pnpm test'] });
  });

  it('uses yarn and bun for their lockfiles (bun runs the script, not its own runner)', async () => {
    const scripts = { scripts: { typecheck: 'tsc', test: 'jest' } };
    const yarn = await detectProject(await repo({ 'package.json': pkg(scripts), 'yarn.lock': '' }));
    expect(yarn.verification.tier0).toEqual(['yarn typecheck']);
    expect(yarn.verification.tier2).toEqual(['yarn test']);
    const bun = await detectProject(await repo({ 'package.json': pkg(scripts), 'bun.lock': '' }));
    expect(bun.verification.tier0).toEqual(['bun run typecheck']);
    expect(bun.verification.tier2).toEqual(['bun run test']);
    const bunb = await detectProject(await repo({ 'package.json': pkg(scripts), 'bun.lockb': '' }));
    expect(bunb.verification.tier2).toEqual(['bun run test']);
  });

  it('detects presets from dependencies and devDependencies', async () => {
    const root = await repo({
      'package.json': pkg({
        dependencies: { next: '15', react: '19', 'drizzle-orm': '1', '@prisma/client': '6', tailwindcss: '4' },
        devDependencies: { vitest: '3', jest: '29', '@playwright/test': '1', typescript: '5', eslint: '9', vite: '6' },
      }),
    });
    const d = await detectProject(root);
    expect(d.presets).toEqual([
      'nextjs', 'react', 'drizzle', 'prisma', 'vitest', 'jest', 'playwright', 'typescript', 'tailwind', 'eslint', 'vite',
    ]);
    // no scripts: nothing to verify with, and a note says so
    expect(d.verification).toEqual({ tier0: [], tier1: [], tier2: [] });
    expect(d.notes.join('\n')).toMatch(/by hand/);
  });

  it('maps the prisma package too, and no unrelated presets', async () => {
    const d = await detectProject(await repo({ 'package.json': pkg({ devDependencies: { prisma: '6', lodash: '4' } }) }));
    expect(d.presets).toEqual(['prisma']);
  });

  it('never throws on a malformed package.json, and records a note', async () => {
    const root = await repo({ 'package.json': '{ "scripts": { "test": "vitest" ', 'src/index.ts': '' });
    const d = await detectProject(root);
    expect(d.kinds).toEqual(['node']);
    expect(d.verification).toEqual({ tier0: [], tier1: [], tier2: [] });
    expect(d.notes.join('\n')).toMatch(/package\.json is not valid JSON/);
  });

  it('tolerates package.json that is JSON but not an object, or has odd field types', async () => {
    const a = await detectProject(await repo({ 'package.json': '[1, 2]' }));
    expect(a.notes.join('\n')).toMatch(/not a JSON object/);
    const b = await detectProject(await repo({
      'package.json': pkg({ scripts: { test: 42, build: 'tsc' }, dependencies: ['react'], devDependencies: null }),
    }));
    expect(b.verification).toEqual({ tier0: [], tier1: ['npm run build'], tier2: [] });
    expect(b.presets).toEqual([]);
  });
});

describe('detectProject: other ecosystems', () => {
  it('Python with pytest in pyproject and ruff configured', async () => {
    const root = await repo({
      'pyproject.toml': [
        '[project]',
        'name = "demo"',
        'dependencies = [',
        '  "requests>=2",',
        ']',
        '',
        '[project.optional-dependencies]',
        'dev = ["pytest>=8", "ruff"]',
        '',
        '[tool.ruff]',
        'line-length = 100',
        '',
      ].join('\n'),
      'mypkg/__init__.py': '',
      'tests/test_demo.py': 'def test_x():\n    assert True\n',
    });
    const d = await detectProject(root);
    expect(d.kinds).toEqual(['python']);
    expect(d.verification).toEqual({ tier0: ['ruff check .'], tier1: [], tier2: ['python -m pytest'] });
    expect(d.presets).toEqual(['python', 'pytest']);
    expect(d.notes.some((n) => /not look like valid TOML/.test(n))).toBe(false);
    expect(d.dirs).toEqual(['mypkg', 'tests']);
  });

  it('Python pytest signals: pytest.ini, requirements, [tool.pytest], tests dir', async () => {
    const ini = await detectProject(await repo({ 'pytest.ini': '[pytest]\n' }));
    expect(ini.verification.tier2).toEqual(['python -m pytest']);
    const req = await detectProject(await repo({ 'requirements-dev.txt': 'black\npytest==8.0\n' }));
    expect(req.verification.tier2).toEqual(['python -m pytest']);
    const tool = await detectProject(await repo({ 'pyproject.toml': '[tool.pytest.ini_options]\naddopts = "-q"\n' }));
    expect(tool.verification.tier2).toEqual(['python -m pytest']);
    expect(tool.verification.tier0).toEqual([]);
    const dir = await detectProject(await repo({ 'setup.py': 'from setuptools import setup\n', 'tests/test_a.py': '' }));
    expect(dir.verification.tier2).toEqual(['python -m pytest']);
  });

  it('Python without pytest: no test command, a note, preset python only', async () => {
    const d = await detectProject(await repo({ 'setup.py': 'from setuptools import setup\n' }));
    expect(d.kinds).toEqual(['python']);
    expect(d.presets).toEqual(['python']);
    expect(d.verification.tier2).toEqual([]);
  });

  it('Python runs through uv when uv.lock exists', async () => {
    const d = await detectProject(await repo({ 'pyproject.toml': '[tool.pytest.ini_options]\n', 'ruff.toml': '', 'uv.lock': '' }));
    expect(d.verification).toEqual({ tier0: ['uv run ruff check .'], tier1: [], tier2: ['uv run pytest'] });
  });

  it('notes a malformed pyproject.toml without throwing', async () => {
    const d = await detectProject(await repo({ 'pyproject.toml': '[project\nname = "x"\nthis is not toml\n' }));
    expect(d.kinds).toEqual(['python']);
    expect(d.notes.join('\n')).toMatch(/pyproject\.toml does not look like valid TOML/);
  });

  it('Go', async () => {
    const d = await detectProject(await repo({ 'go.mod': 'module example.com/x\n\ngo 1.22\n', 'cmd/x/main.go': '', 'internal/': '' }));
    expect(d.kinds).toEqual(['go']);
    expect(d.verification).toEqual({ tier0: ['go vet ./...'], tier1: ['go build ./...'], tier2: ['go test ./...'] });
    expect(d.presets).toEqual(['go']);
    expect(d.dirs).toEqual(['cmd', 'internal']);
  });

  it('Rust', async () => {
    const d = await detectProject(await repo({ 'Cargo.toml': '[package]\nname = "x"\n', 'src/main.rs': '' }));
    expect(d.kinds).toEqual(['rust']);
    expect(d.verification).toEqual({ tier0: [], tier1: ['cargo build'], tier2: ['cargo test'] });
    expect(d.presets).toEqual(['rust']);
  });

  it('Makefile test and lint targets, only when nothing else supplied those tiers', async () => {
    const makefile = 'CC := gcc\n.PHONY: test lint\n\nlint:\n\t./lint.sh\n\ntest: build\n\t./run-tests\n';
    const alone = await detectProject(await repo({ Makefile: makefile }));
    expect(alone.kinds).toEqual(['make']);
    expect(alone.verification).toEqual({ tier0: ['make lint'], tier1: [], tier2: ['make test'] });

    const withGo = await detectProject(await repo({ Makefile: makefile, 'go.mod': 'module x\n' }));
    expect(withGo.verification).toEqual({ tier0: ['go vet ./...'], tier1: ['go build ./...'], tier2: ['go test ./...'] });

    const withNode = await detectProject(await repo({ Makefile: makefile, 'package.json': pkg({ scripts: { build: 'tsc' } }) }));
    expect(withNode.verification).toEqual({ tier0: ['make lint'], tier1: ['npm run build'], tier2: ['make test'] });
  });

  it('a Makefile without test/lint targets (or with only variables) adds nothing', async () => {
    const d = await detectProject(await repo({ Makefile: 'test := 1\nall:\n\techo hi\n' }));
    expect(d.verification).toEqual({ tier0: [], tier1: [], tier2: [] });
    expect(d.kinds).toEqual([]);
  });

  it('an empty repo: all tiers empty and a note to fill them in by hand', async () => {
    const d = await detectProject(await repo({}));
    expect(d.kinds).toEqual([]);
    expect(d.presets).toEqual([]);
    expect(d.verification).toEqual({ tier0: [], tier1: [], tier2: [] });
    expect(d.notes.join('\n')).toMatch(/fill in verification.*by hand/);
  });

  it('a missing directory does not throw', async () => {
    const d = await detectProject(path.join(tmpdir(), 'runr-detect-does-not-exist-xyz'));
    expect(d.verification).toEqual({ tier0: [], tier1: [], tier2: [] });
    expect(d.notes.length).toBeGreaterThan(0);
  });
});

describe('buildInitConfig', () => {
  it('passes ConfigSchema and carries detection, default workers and limits', async () => {
    const root = await repo({
      'package.json': pkg({ scripts: { typecheck: 'tsc', test: 'vitest' }, devDependencies: { typescript: '5', vitest: '3' } }),
      'src/index.ts': '',
      'tests/a.test.ts': '',
      'docs/readme.md': '',
    });
    const d = await detectProject(root);
    const config = buildInitConfig(d, 'my-project');
    const parsed = ConfigSchema.parse(JSON.parse(JSON.stringify(config)));
    expect(parsed).toEqual(config);
    expect(config.agent).toEqual({ name: 'my-project', version: '1' });
    expect(config.scope).toEqual({ allowlist: ['src/**', 'tests/**'], denylist: [], presets: ['vitest', 'typescript'], protect: [], secrets_allow: [] });
    expect(config.verification).toEqual({ tier0: ['npm run typecheck'], tier1: [], tier2: ['npm test'] });
    expect(config.workers).toEqual({ planner: { type: 'claude' }, implementer: { type: 'codex' }, reviewer: { type: 'claude' } });
    expect(config.limits).toEqual(ConfigSchema.parse({}).limits);
  });

  it('empty allowlist when no source directory exists (tests/ alone is not enough)', async () => {
    const d = await detectProject(await repo({ 'tests/x.test.js': '' }));
    const config = buildInitConfig(d, 'x');
    expect(config.scope.allowlist).toEqual([]);
    expect(() => ConfigSchema.parse(config)).not.toThrow();
  });

  it('accepts a hand-built detection without dirs', () => {
    const d: Detection = { kinds: [], verification: { tier0: [], tier1: [], tier2: [] }, presets: [], notes: [] };
    const config = buildInitConfig(d, '');
    expect(ConfigSchema.parse(config).scope.allowlist).toEqual([]);
    expect(config.agent?.name).toBe('project');
  });
});

describe('templates', () => {
  it('exampleTasks reads templates/tasks in the task file format', () => {
    const tasks = exampleTasks();
    expect(tasks.length).toBeGreaterThanOrEqual(1);
    for (const t of tasks) {
      expect(t.file).toMatch(/\.md$/);
      expect(t.content).toMatch(/^# \S/);
      for (const h of ['## Goal', '## Requirements', '## Success Criteria']) expect(t.content).toContain(h);
    }
  });

  it('the demo config and task exist and are valid', async () => {
    expect(existsSync(path.join(packageRoot(), 'package.json'))).toBe(true);
    const paths = demoTemplatePaths();
    const config = ConfigSchema.parse(JSON.parse(await readFile(paths.configFile, 'utf8')));
    expect(config.scope.allowlist).toEqual(['src/**']);
    expect(config.scope.protect).toEqual(['test/**']);
    expect(config.workers.implementer).toEqual({ type: 'command', command: ['node', 'tools/demo-agent.mjs'] });
    expect(await readFile(paths.taskFile, 'utf8')).toContain('## Goal');
    expect(existsSync(path.join(paths.projectDir, 'tools', 'demo-agent.mjs'))).toBe(true);
    expect(existsSync(path.join(paths.projectDir, '.runr'))).toBe(false);
  });
});
