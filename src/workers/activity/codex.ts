import { parseJsonLine } from '../cli-dialect.js';
import { activityItem, items, tokensText, type ActivityItem, type ActivityReader } from './item.js';

type Event = Record<string, unknown>;
const s = (v: unknown) => (typeof v === 'string' ? v : null);
const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Codex `exec --json`: a command is shown when it starts ("Bash npm test"), a file change, a tool call
 * and the agent's message when they complete; `turn.completed` gives the tokens.
 */
export function codexActivity(unwrap: (command: string) => string): ActivityReader {
  return (line) => {
    const event = parseJsonLine(line);
    if (!event) return [];
    const item = (event.item ?? {}) as Event;
    if (event.type === 'item.started' && item.type === 'command_execution') return items(activityItem('tool', `Bash ${unwrap(s(item.command) ?? '?')}`));
    if (event.type === 'turn.completed') {
      const u = (event.usage ?? {}) as Event;
      return [{ kind: 'usage', text: tokensText(n(u.input_tokens) + n(u.output_tokens)) }];
    }
    if (event.type !== 'item.completed') return [];
    switch (item.type) {
      case 'file_change': {
        const changes = Array.isArray(item.changes) ? (item.changes as Event[]) : [];
        return items(...changes.map((c): ActivityItem | null => activityItem('tool', `${c.kind === 'add' ? 'Write' : c.kind === 'delete' ? 'Delete' : 'Edit'} ${s(c.path) ?? '?'}`)));
      }
      case 'mcp_tool_call': return items(activityItem('tool', `${s(item.server) ?? '?'}/${s(item.tool) ?? '?'}`));
      case 'web_search': return items(activityItem('tool', `WebSearch ${s(item.query) ?? ''}`));
      case 'agent_message': return items(activityItem('message', (s(item.text) ?? '').split('\n').find((l) => l.trim()) ?? ''));
      default: return [];
    }
  };
}
