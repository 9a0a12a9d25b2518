// tracks.yaml (SPEC §9): what an orchestration will run, checked before anything starts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunrError } from '../../src/contracts/errors.js';
import { loadTracks } from '../../src/orchestrate/tracks-file.js';
import { tempDirsRemovedAfterEach } from '../helpers/temp-dirs.js';

const tempDir = tempDirsRemovedAfterEach('runr-tracks-');

/** A repository directory with task files and a tracks.yaml; returns the tracks file's path. */
function project(tracksYaml: string, tasks: Record<string, string> = {}): { repo: string; file: string } {
  const repo = tempDir();
  const names = ['tasks/auth-backend.md', 'tasks/auth-frontend.md', 'tasks/dark-mode.md', 'tasks/cleanup.md'];
  for (const name of names) tasks[name] ??= `# ${path.basename(name, '.md')}\n\n## Goal\nDo ${name}.\n`;
  for (const [name, text] of Object.entries(tasks)) {
    fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
    fs.writeFileSync(path.join(repo, name), text);
  }
  const file = path.join(repo, 'tracks.yaml');
  fs.writeFileSync(file, tracksYaml);
  return { repo, file };
}

const GUIDE_EXAMPLE = `tracks:
  - id: auth
    tasks:
      - path: tasks/auth-backend.md
      - path: tasks/auth-frontend.md
  - id: ui
    tasks:
      - path: tasks/dark-mode.md
`;

function refusal(fn: () => unknown): RunrError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RunrError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('tracks.yaml', () => {
  it("the operator guide's example: two tracks, the tasks of a track in order, each after the one before", () => {
    const { repo, file } = project(GUIDE_EXAMPLE);
    const plan = loadTracks(file, repo);
    expect(plan.tracks).toEqual([{ id: 'auth', tasks: ['auth/auth-backend', 'auth/auth-frontend'] }, { id: 'ui', tasks: ['ui/dark-mode'] }]);
    const byKey = Object.fromEntries(plan.tasks.map((t) => [t.key, t]));
    expect(byKey['auth/auth-frontend']).toMatchObject({ previous: 'auth/auth-backend', depends_on: [{ on: 'auth/auth-backend', when: 'complete' }], title: 'auth-frontend' });
    expect(byKey['ui/dark-mode']).toMatchObject({ previous: null, depends_on: [], file: path.join(repo, 'tasks', 'dark-mode.md') });
  });

  it('a track may depend on a track (its last task) and a task on a track/task, with a condition', () => {
    const { repo, file } = project(`tracks:
  - id: ui
    depends_on: [auth]
    tasks:
      - path: tasks/dark-mode.md
  - id: auth
    tasks:
      - path: tasks/auth-backend.md
      - path: tasks/auth-frontend.md
  - id: tidy
    tasks:
      - path: tasks/cleanup.md
        depends_on: [{ on: auth/auth-backend, when: always }]
`);
    const plan = loadTracks(file, repo);
    const keys = plan.tasks.map((t) => t.key);
    // Every task once, each after what it depends on, otherwise in the file's order.
    expect(keys).toEqual(['auth/auth-backend', 'auth/auth-frontend', 'ui/dark-mode', 'tidy/cleanup']);
    expect(plan.tasks.find((t) => t.key === 'ui/dark-mode')!.depends_on).toEqual([{ on: 'auth/auth-frontend', when: 'complete' }]);
    expect(plan.tasks.find((t) => t.key === 'tidy/cleanup')!.depends_on).toEqual([{ on: 'auth/auth-backend', when: 'always' }]);
  });

  it("the task file's front matter is honoured; the tracks file's overrides win, lists are joined", () => {
    const { repo, file } = project(`tracks:
  - id: auth
    tasks:
      - path: tasks/auth-backend.md
  - id: ui
    tasks:
      - path: tasks/dark-mode.md
        worker: codex
        allowlist_add: [styles/**]
        verification: { tier1: [npm run lint] }
`, { 'tasks/dark-mode.md': '---\ndepends_on: [auth]\nallowlist_add: [src/theme/**]\nworker: gemini\nfast: true\n---\n# Dark mode\n\n## Goal\nAdd it.\n' });
    const task = loadTracks(file, repo).tasks.find((t) => t.key === 'ui/dark-mode')!;
    expect(task).toMatchObject({
      title: 'Dark mode', worker: 'codex', fast: true, allowlist_add: ['src/theme/**', 'styles/**'],
      verification: { tier1: ['npm run lint'] }, depends_on: [{ on: 'auth/auth-backend', when: 'complete' }],
    });
  });

  it('task paths are read next to the tracks file, else from the repository root', () => {
    const { repo } = project('unused: true\n');
    const file = path.join(repo, '.runr', 'tracks.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, GUIDE_EXAMPLE);
    expect(loadTracks(file, repo).tasks.map((t) => t.file)).toContain(path.join(repo, 'tasks', 'auth-backend.md'));
  });

  const REFUSED: [string, string, Record<string, string>?][] = [
    ['tracks:\n  - id: auth\n    tasks:\n      - pth: tasks/auth-backend.md\n', 'tracks[0].tasks[0]: unknown key "pth"'],
    ['tracks:\n  - id: auth\n    tasks: []\n', 'tracks[0].tasks: a track needs at least one task'],
    ['tracks:\n  - id: "has space"\n    tasks:\n      - path: tasks/cleanup.md\n', 'tracks[0].id: must be letters'],
    ['tracks:\n  - id: auth\n    tasks:\n      - path: tasks/cleanup.md\n        depends_on: [{ on: auth, when: sometimes }]\n', 'tracks[0].tasks[0].depends_on[0]: must be a track, a track/task, or { on:'],
    ['tracks:\n  - id: a\n    tasks:\n      - path: tasks/missing.md\n', 'tracks[0].tasks[0].path: task file not found: tasks/missing.md'],
    ['tracks:\n  - id: a\n    tasks:\n      - path: tasks/cleanup.md\n  - id: a\n    tasks:\n      - path: tasks/dark-mode.md\n', 'tracks[1].id: track "a" is defined twice'],
    ['tracks:\n  - id: a\n    tasks:\n      - path: tasks/cleanup.md\n      - path: tasks/cleanup.md\n', 'task id "cleanup" is used twice in track "a"'],
    ['tracks:\n  - id: a\n    depends_on: [nowhere]\n    tasks:\n      - path: tasks/cleanup.md\n', 'a/cleanup: depends on "nowhere", which is neither a track nor a track/task'],
    ['tracks:\n  - id: a\n    depends_on: [b]\n    tasks:\n      - path: tasks/cleanup.md\n  - id: b\n    depends_on: [a]\n    tasks:\n      - path: tasks/dark-mode.md\n', 'dependency cycle: a/cleanup → b/dark-mode → a/cleanup'],
    ['tracks:\n  - id: a\n    depends_on: [a]\n    tasks:\n      - path: tasks/cleanup.md\n', 'a/cleanup: depends on its own track'],
    ['tracks:\n  - id: a\n    tasks:\n      - path: tasks/cleanup.md\n        depends_on: [a/cleanup]\n', 'a/cleanup: depends on itself'],
    ['tracks:\n  - id: a\n    tasks: [\n', 'line '],
    ['tracks:\n  - id: a\n    tasks:\n      - path: tasks/bad.md\n', 'tracks[0].tasks[0].path: ', { 'tasks/bad.md': '---\nworkr: codex\n---\n# Bad\n\n## Goal\nx\n' }],
  ];
  for (const [yaml, expected, tasks] of REFUSED) {
    it(`refuses before starting anything, naming the place: ${expected}`, () => {
      const { repo, file } = project(yaml, tasks);
      const err = refusal(() => loadTracks(file, repo));
      expect(err.code).toBe('tracks_invalid');
      expect(err.message).toContain(`${file}: `);
      expect(err.message).toContain(expected);
    });
  }

  it('a tracks file that is not there is its own error', () => {
    const err = refusal(() => loadTracks('/nonexistent/tracks.yaml', '/nonexistent'));
    expect(err.code).toBe('tracks_not_found');
  });
});
