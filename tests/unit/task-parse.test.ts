import { describe, expect, it } from 'vitest';
import { parseTask, TaskError } from '../../src/task/parse.js';

const TASK = `# Add dark mode toggle

## Goal
Users can switch between light/dark themes

## Requirements
- Toggle in settings page
- Persists in localStorage

## Success Criteria
- Theme persists on refresh

## Notes
- CSS variables
`;

describe('parseTask', () => {
  it('reads the sections of the operator guide format', () => {
    const t = parseTask(TASK, 'task.md');
    expect(t.title).toBe('Add dark mode toggle');
    expect(t.goal).toBe('Users can switch between light/dark themes');
    expect(t.requirements).toContain('Persists in localStorage');
    expect(t.success_criteria).toBe('- Theme persists on refresh');
    expect(t.notes).toBe('- CSS variables');
    expect(t.body).toContain('## Requirements');
  });

  it('reads YAML front matter', () => {
    const t = parseTask(`---\nallowlist_add: ["docs/**"]\nfast: true\n---\n${TASK}`, 'task.md');
    expect(t.front_matter).toEqual({ allowlist_add: ['docs/**'], fast: true });
    expect(t.body.startsWith('# Add dark mode toggle')).toBe(true);
  });

  it('rejects a task without a "# Title" line, saying what is missing', () => {
    expect(() => parseTask('## Goal\nAdd dark mode.\n', 'untitled.md')).toThrow(/untitled\.md: the task has no "# Title" line/);
    expect(() => parseTask('Some text\n## Goal\nAdd dark mode.\n', 'untitled.md')).toThrow(/no "# Title"/);
  });

  it('rejects a task without a Goal, saying what is missing', () => {
    expect(() => parseTask('# Make the app better\n\nAdd dark mode and other improvements.', 'vague.md')).toThrow(/no "## Goal" section/);
  });

  it('rejects unknown or mistyped front matter keys and broken YAML', () => {
    expect(() => parseTask(`---\nfats: true\n---\n${TASK}`, 't.md')).toThrow(TaskError);
    expect(() => parseTask(`---\nfast: "yes"\n---\n${TASK}`, 't.md')).toThrow(/fast/);
    expect(() => parseTask(`---\nfast: [\n---\n${TASK}`, 't.md')).toThrow(/front matter is invalid/);
  });

  it('accepts Windows line endings and a BOM', () => {
    expect(parseTask(`\uFEFF${TASK.replace(/\n/g, '\r\n')}`, 't.md').goal).toBe('Users can switch between light/dark themes');
  });
});
