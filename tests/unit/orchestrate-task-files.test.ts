// The task file and config a task's run starts from, with the tracks file's overrides merged in (SPEC §9).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlannedTask } from '../../src/orchestrate/planned-task.js';
import { derivedTaskPath, withVerification, writeDerivedConfig, writeDerivedTask } from '../../src/orchestrate/task-files.js';
import { parseTask } from '../../src/task/parse.js';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';

const tempDir = tempDirsRemovedAfterEach('runr-task-files-');

const BODY = [
  '# Add the login form',
  '',
  '## Goal',
  'A login form at /login.',
  '',
  '## Requirements',
  '- email and password fields',
  '',
  '## Notes',
  'Keep the --- separators in prose: they are not front matter.',
].join('\n');

function setup(fileText: string, overrides: Partial<PlannedTask> = {}) {
  const dir = tempDir();
  const file = path.join(dir, 'login.md');
  fs.writeFileSync(file, fileText);
  const task: PlannedTask = {
    key: 'auth/login', track: 'auth', id: 'login', file, title: 'Add the login form',
    depends_on: [{ on: 'ui/theme', when: 'complete' }], previous: null,
    fast: null, worker: null, allowlist_add: [], verification: null, ...overrides,
  };
  return { orchDir: path.join(dir, 'orch'), task, file };
}

describe('writeDerivedTask', () => {
  it('merges allowlist_add, worker and fast into the front matter, drops depends_on, and keeps the body', () => {
    const { orchDir, task, file } = setup(`---\nallowlist_add: [src/auth/**]\ndepends_on: [ui/theme]\nworker: claude\n---\n${BODY}\n`, {
      allowlist_add: ['src/auth/**', 'tests/auth/**'], worker: 'codex', fast: true,
    });
    const derived = writeDerivedTask(orchDir, task, false);
    expect(derived).toBe(path.join(orchDir, 'tasks', 'auth--login.md'));
    expect(derived).toBe(derivedTaskPath(orchDir, 'auth/login'));

    const parsed = parseTask(fs.readFileSync(derived, 'utf8'), derived);
    expect(parsed.front_matter).toEqual({ allowlist_add: ['src/auth/**', 'tests/auth/**'], worker: 'codex', fast: true });
    const original = parseTask(fs.readFileSync(file, 'utf8'), file);
    expect(parsed.body).toBe(original.body);
    expect(parsed).toMatchObject({ title: original.title, goal: original.goal, requirements: original.requirements, notes: original.notes });
  });

  it('the orchestration-wide --fast makes every task fast', () => {
    const { orchDir, task } = setup(`${BODY}\n`);
    const derived = writeDerivedTask(orchDir, task, true);
    expect(parseTask(fs.readFileSync(derived, 'utf8'), derived).front_matter).toEqual({ fast: true });
  });

  it('a task without overrides gets no front matter at all (its depends_on is still dropped)', () => {
    const { orchDir, task } = setup(`---\ndepends_on: [ui/theme]\n---\n${BODY}\n`);
    const derived = writeDerivedTask(orchDir, task, false);
    const text = fs.readFileSync(derived, 'utf8');
    expect(text.startsWith('# Add the login form')).toBe(true);
    expect(parseTask(text, derived).front_matter).toEqual({});
  });

  it('writing it again replaces the previous derived file', () => {
    const { orchDir, task } = setup(`${BODY}\n`, { worker: 'gemini' });
    writeDerivedTask(orchDir, task, false);
    const derived = writeDerivedTask(orchDir, { ...task, worker: 'claude' }, false);
    expect(parseTask(fs.readFileSync(derived, 'utf8'), derived).front_matter).toEqual({ worker: 'claude' });
  });
});

describe('writeDerivedConfig and withVerification', () => {
  const config = {
    agent: { name: 'x' },
    scope: { allowlist: ['src/**'], denylist: ['.env'] },
    verification: { cwd: '.', tier0: ['npm run lint'], tier1: ['npm run build'], tier2: ['npm test'], max_verify_time_per_milestone: 600 },
  };

  it('replaces only the tiers the tracks file names; everything else is the config file as written', () => {
    const dir = tempDir();
    const configPath = path.join(dir, 'runr.config.json');
    fs.writeFileSync(configPath, JSON.stringify(config));
    const orchDir = path.join(dir, 'orch');
    const derived = writeDerivedConfig(orchDir, 'auth/login', configPath, withVerification({ tier1: ['npm run build:auth'], tier2: [] }));
    expect(derived).toBe(path.join(orchDir, 'configs', 'auth--login.json'));
    expect(JSON.parse(fs.readFileSync(derived, 'utf8'))).toEqual({
      ...config,
      verification: { ...config.verification, tier1: ['npm run build:auth'], tier2: [] },
    });
    expect(JSON.parse(fs.readFileSync(configPath, 'utf8'))).toEqual(config);
  });

  it('a config without a verification section gets just the named tiers', () => {
    expect(withVerification({ tier0: ['make lint'] })({ scope: { allowlist: [] } })).toEqual({ scope: { allowlist: [] }, verification: { tier0: ['make lint'] } });
  });
});
