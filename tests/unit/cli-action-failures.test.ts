// Each dialect parser collects the failures its CLI reports about the agent's own actions, from event
// lines as the CLIs print them (recorded from Codex 0.169, Claude Code 2.1 and Gemini CLI 0.61, trimmed).
import { describe, expect, it } from 'vitest';
import { claude } from '../../src/workers/claude.js';
import { codex } from '../../src/workers/codex.js';
import { gemini } from '../../src/workers/gemini.js';
import type { CliDialect } from '../../src/workers/cli-dialect.js';
import { MAX_ACTION_FAILURES, relativeTo } from '../../src/workers/action-failures.js';

function failuresOf(dialect: CliDialect, lines: unknown[]): string[] | undefined {
  const parser = dialect.createParser();
  for (const line of lines) parser.line(typeof line === 'string' ? line : JSON.stringify(line));
  return parser.summary({ stdout: '', stderr: '', exitCode: 0 }).actionFailures;
}

const codexItem = (item: Record<string, unknown>, type = 'item.completed') => ({ type, item });
const codexTurn = [{ type: 'thread.started', thread_id: 't1' }, { type: 'turn.started' }];
const codexDone = [
  codexItem({ id: 'item_9', type: 'agent_message', text: 'done {"status":"ok"}' }),
  { type: 'turn.completed', usage: { input_tokens: 200, cached_input_tokens: 0, output_tokens: 40 } },
];

describe('codex: failed items of `codex exec --json`', () => {
  it('a file change it could not write, a command that failed or was declined, a failed MCP tool call', () => {
    const failures = failuresOf(codex, [
      ...codexTurn,
      codexItem({ id: 'item_1', type: 'file_change', changes: [{ path: '/w/README.md/x.txt', kind: 'add' }], status: 'in_progress' }, 'item.started'),
      codexItem({ id: 'item_1', type: 'file_change', changes: [{ path: '/w/README.md/x.txt', kind: 'add' }, { path: '/w/a.js', kind: 'update' }], status: 'failed' }),
      codexItem({ id: 'item_2', type: 'command_execution', command: "/bin/bash -lc 'npm test'", aggregated_output: 'FAIL a.test.js\nError: expected 1\n', exit_code: 1, status: 'failed' }),
      codexItem({ id: 'item_3', type: 'command_execution', command: '/bin/bash -lc false', aggregated_output: '', exit_code: 1, status: 'completed' }),
      codexItem({ id: 'item_4', type: 'command_execution', command: 'rm -rf /', aggregated_output: '', exit_code: null, status: 'declined' }),
      codexItem({ id: 'item_5', type: 'mcp_tool_call', server: 'docs', tool: 'search', status: 'failed', error: { message: 'timed out' } }),
      ...codexDone,
    ]);
    expect(failures).toEqual([
      'file change failed: add /w/README.md/x.txt, update /w/a.js',
      'command failed (exit 1): npm test — Error: expected 1',
      'command failed (exit 1): false',
      'command declined: rm -rf /',
      'tool call failed: docs/search — timed out',
    ]);
  });

  it('ignores what worked (and items still in progress)', () => {
    expect(failuresOf(codex, [
      ...codexTurn,
      codexItem({ id: 'item_1', type: 'file_change', changes: [{ path: '/w/a.txt', kind: 'add' }], status: 'completed' }),
      codexItem({ id: 'item_2', type: 'command_execution', command: '/bin/bash -lc ls', aggregated_output: 'a.txt\n', exit_code: 0, status: 'completed' }),
      codexItem({ id: 'item_3', type: 'command_execution', command: '/bin/bash -lc sleep', aggregated_output: '', exit_code: null, status: 'in_progress' }, 'item.started'),
      ...codexDone,
    ])).toEqual([]);
  });

  it('keeps the first failures of a long session, each one line and short, and says how many more there were', () => {
    const lines = Array.from({ length: MAX_ACTION_FAILURES + 5 }, (_, i) =>
      codexItem({ id: `item_${i}`, type: 'command_execution', command: `/bin/bash -lc 'step ${i}'`, aggregated_output: `${'x'.repeat(1000)}\n`, exit_code: 2, status: 'failed' }));
    const failures = failuresOf(codex, [...codexTurn, ...lines, ...codexDone])!;
    expect(failures).toHaveLength(MAX_ACTION_FAILURES + 1);
    expect(failures[0]).toMatch(/^command failed \(exit 2\): step 0 — x+…$/);
    expect(failures[0]!.length).toBeLessThanOrEqual(300);
    expect(failures.at(-1)).toBe('(and 5 more)');
  });

  it('also when the turn failed', () => {
    expect(failuresOf(codex, [
      ...codexTurn,
      codexItem({ id: 'item_1', type: 'file_change', changes: [{ path: '/w/a.txt', kind: 'update' }], status: 'failed' }),
      { type: 'turn.failed', error: { message: 'stream disconnected' } },
    ])).toEqual(['file change failed: update /w/a.txt']);
  });
});

const claudeSession = { session_id: '067f44b3' };
const claudeToolUse = (id: string, name: string, input: unknown) =>
  ({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'tool_use', id, name, input }] }, ...claudeSession });
const claudeToolResult = (id: string, content: unknown, isError: boolean) =>
  ({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', content, is_error: isError, tool_use_id: id }] }, ...claudeSession });
const claudeResult = (denials: unknown[]) =>
  ({ type: 'result', subtype: 'success', is_error: false, result: 'Done. {"status":"ok"}', permission_denials: denials, usage: {}, ...claudeSession });

describe('claude: permission denials and failed tool results in stream-json', () => {
  it('a refused tool call once (its error result is the same refusal), then the tool calls that failed', () => {
    const failures = failuresOf(claude, [
      claudeToolUse('toolu_1', 'Write', { file_path: '/etc/runr-denied/notes.txt', content: 'x\n' }),
      claudeToolResult('toolu_1', "Claude requested permissions to write to /etc/runr-denied/notes.txt, but you haven't granted it yet.", true),
      claudeToolUse('toolu_2', 'Bash', { command: 'npm test', description: 'Run the tests' }),
      claudeToolResult('toolu_2', [{ type: 'text', text: 'Exit code 1\nFAIL a.test.js' }], true),
      claudeToolUse('toolu_3', 'Read', { file_path: '/w/src/a.js' }),
      claudeToolResult('toolu_3', 'export const a = 1;', false),
      claudeResult([{ tool_name: 'Write', tool_use_id: 'toolu_1', tool_input: { file_path: '/etc/runr-denied/notes.txt', content: 'x\n' } }]),
    ]);
    expect(failures).toEqual([
      'permission denied: Write /etc/runr-denied/notes.txt',
      'Bash npm test failed: Exit code 1 FAIL a.test.js',
    ]);
  });

  it('nothing when every tool call worked', () => {
    expect(failuresOf(claude, [claudeToolUse('toolu_1', 'Read', { file_path: 'a' }), claudeToolResult('toolu_1', 'a', false), claudeResult([])])).toEqual([]);
  });
});

describe('gemini: tool results with status error in stream-json', () => {
  it('names the tool and its file or command, with the error message', () => {
    const failures = failuresOf(gemini, [
      { type: 'init', session_id: 's1', model: 'gemini-2.5-pro' },
      { type: 'tool_use', tool_name: 'write_file', tool_id: 'call_1', parameters: { file_path: '/etc/x.txt', content: 'x' } },
      { type: 'tool_result', tool_id: 'call_1', status: 'error', error: { type: 'invalid_tool_params', message: 'File path must be within one of the workspace directories: /w' } },
      { type: 'tool_use', tool_name: 'run_shell_command', tool_id: 'call_2', parameters: { command: 'ls' } },
      { type: 'tool_result', tool_id: 'call_2', status: 'success', output: 'a.txt' },
      { type: 'message', role: 'assistant', content: 'Done. {"status":"ok"}' },
      { type: 'result', status: 'success', stats: { input_tokens: 10, output_tokens: 2 } },
    ]);
    expect(failures).toEqual(['write_file /etc/x.txt failed: File path must be within one of the workspace directories: /w']);
  });
});

describe('paths relative to the worktree', () => {
  it('strips the worktree prefix the CLIs print', () => {
    expect(relativeTo('/repo/.runr/worktrees/1', ['file change failed: add /repo/.runr/worktrees/1/README.md/x.txt'])).toEqual(['file change failed: add README.md/x.txt']);
  });
});
