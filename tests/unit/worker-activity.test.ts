// What each worker CLI's output says the worker is doing, as one-line activity items.
import { describe, expect, it } from 'vitest';
import { claude } from '../../src/workers/claude.js';
import { codex } from '../../src/workers/codex.js';
import { gemini } from '../../src/workers/gemini.js';
import { shownItem, tokensText, type ActivityItem } from '../../src/workers/activity/item.js';
import { stderrActivity } from '../../src/workers/activity/stderr.js';
import type { CliDialect } from '../../src/workers/cli-dialect.js';

const j = (v: unknown) => JSON.stringify(v);
function read(dialect: CliDialect, lines: string[]): ActivityItem[] {
  const reader = dialect.createActivityReader!();
  return lines.flatMap((l) => reader(l));
}

describe('Claude Code stream-json', () => {
  const assistant = (id: string, content: unknown[], usage?: Record<string, number>) =>
    j({ type: 'assistant', session_id: 's', message: { id, role: 'assistant', content, ...(usage ? { usage } : {}) } });

  it('tool uses read as the tool and its main argument; text as its first line; usage as the tokens so far, each message counted once', () => {
    const items = read(claude, [
      j({ type: 'system', subtype: 'init', session_id: 's' }),
      assistant('m1', [{ type: 'text', text: '\nLet me look.\nMore.' }], { input_tokens: 1000, output_tokens: 200 }),
      assistant('m1', [{ type: 'tool_use', id: 't1', name: 'Edit', input: { file_path: 'src/auth.ts', old_string: 'a', new_string: 'b' } }], { input_tokens: 1000, output_tokens: 200 }),
      j({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] } }),
      assistant('m2', [{ type: 'tool_use', id: 't2', name: 'Bash', input: { command: 'npm test', description: 'Run tests' } }], { input_tokens: 11000, cache_read_input_tokens: 100, output_tokens: 50 }),
      'not json',
      j({ type: 'result', is_error: false, result: '{}' }),
    ]);
    expect(items).toEqual([
      { kind: 'message', text: 'Let me look.' },
      { kind: 'usage', text: 'tokens 1.2k' },
      { kind: 'tool', text: 'Edit src/auth.ts' },
      { kind: 'tool', text: 'Bash npm test' },
      { kind: 'usage', text: 'tokens 12.3k' },
    ]);
  });
});

describe('Codex exec --json', () => {
  it('a command when it starts, file changes, tool calls and the message when they complete, tokens at the turn\'s end', () => {
    const items = read(codex, [
      j({ type: 'thread.started', thread_id: 't' }),
      j({ type: 'item.started', item: { id: 'i1', type: 'command_execution', command: "/bin/bash -lc 'npm test'", status: 'in_progress' } }),
      j({ type: 'item.completed', item: { id: 'i1', type: 'command_execution', command: "/bin/bash -lc 'npm test'", exit_code: 0, status: 'completed' } }),
      j({ type: 'item.completed', item: { id: 'i2', type: 'file_change', changes: [{ path: 'src/auth.ts', kind: 'update' }, { path: 'src/new.ts', kind: 'add' }], status: 'completed' } }),
      j({ type: 'item.completed', item: { id: 'i3', type: 'mcp_tool_call', server: 'docs', tool: 'search', status: 'completed' } }),
      j({ type: 'item.completed', item: { id: 'i4', type: 'agent_message', text: 'Done.\n{"status":"ok"}' } }),
      j({ type: 'turn.completed', usage: { input_tokens: 5000, cached_input_tokens: 100, output_tokens: 300 } }),
    ]);
    expect(items).toEqual([
      { kind: 'tool', text: 'Bash npm test' },
      { kind: 'tool', text: 'Edit src/auth.ts' },
      { kind: 'tool', text: 'Write src/new.ts' },
      { kind: 'tool', text: 'docs/search' },
      { kind: 'message', text: 'Done.' },
      { kind: 'usage', text: 'tokens 5.3k' },
    ]);
  });
});

describe('Gemini CLI stream-json', () => {
  it('tool calls by name and their file or command; the result\'s tokens', () => {
    const items = read(gemini, [
      j({ type: 'init', session_id: 's', model: 'gemini' }),
      j({ type: 'message', role: 'assistant', content: 'Working', delta: true }),
      j({ type: 'tool_use', tool_name: 'write_file', tool_id: 'w1', parameters: { file_path: 'src/a.ts', content: 'x' } }),
      j({ type: 'tool_use', tool_name: 'run_shell_command', tool_id: 'r1', parameters: { command: 'npm test' } }),
      j({ type: 'tool_result', tool_id: 'r1', status: 'success', output: 'ok' }),
      j({ type: 'result', status: 'success', stats: { total_tokens: 950, input_tokens: 900, output_tokens: 50 } }),
    ]);
    expect(items).toEqual([
      { kind: 'tool', text: 'write_file src/a.ts' },
      { kind: 'tool', text: 'run_shell_command npm test' },
      { kind: 'usage', text: 'tokens 950' },
    ]);
  });
});

describe('a command worker\'s stderr', () => {
  it('each non-empty line, trimmed, as it arrives, also across chunks; the last one without a newline at the end', () => {
    const got: ActivityItem[] = [];
    const s = stderrActivity((i) => got.push(i), (t) => t);
    s.push('  compiling\n\n   \nrunning te');
    expect(got.map((i) => i.text)).toEqual(['compiling']);
    s.push('sts\nlast');
    s.end();
    expect(got).toEqual([{ kind: 'log', text: 'compiling' }, { kind: 'log', text: 'running tests' }, { kind: 'log', text: 'last' }]);
  });
});

describe('shown items', () => {
  it('are one line of at most 120 characters, secrets hidden before the cut', () => {
    const secret = 'S3CRETVALUE-abcdefghijklmnop';
    const hide = (t: string) => t.split(secret).join('[REDACTED]');
    const long = `${'x'.repeat(110)} ${secret} tail`;
    const shown = shownItem({ kind: 'log', text: long }, hide)!;
    expect(shown.text.length).toBe(120);
    expect(shown.text.endsWith('…')).toBe(true);
    expect(shown.text).not.toContain('S3CRET');
    expect(shownItem({ kind: 'log', text: 'a\n  b\tc' }, hide)).toEqual({ kind: 'log', text: 'a b c' });
    expect(shownItem({ kind: 'log', text: ' \n ' }, hide)).toBeNull();
  });

  it('tokens read as plain, thousands or millions', () => {
    expect([tokensText(999), tokensText(12_345), tokensText(2_500_000)]).toEqual(['tokens 999', 'tokens 12.3k', 'tokens 2.5M']);
  });
});
