/**
 * Wire-format helpers for the fake OpenAI Responses API (see openai-api.ts): turning a Codex
 * request body into a neutral `Conversation`, and neutral replies into Responses SSE events.
 */
import type { Conversation, TokenUsage, ToolCall } from './model.js';

type Item = Record<string, unknown>;

/** How the CLI's offered tools let the fake model write a file and run a command. */
export interface OfferedTools {
  /** `custom`: freeform apply_patch (raw patch text); `function`: apply_patch({input}). */
  applyPatch?: 'custom' | 'function';
  /** The command tool and its argument shape. */
  shell?: 'exec_command' | 'shell_command' | 'shell';
}

export interface ParsedRequest {
  conversation: Conversation;
  tools: OfferedTools;
}

/** Call ids and message ids we hand out carry the assistant turn that produced them. */
const TURN_TAG = /_fake_t(\d+)(?:_|$)/;

export function callId(turn: number, index: number): string {
  return `call_fake_t${turn}_${index}`;
}

/** User-role messages Codex injects itself (environment, AGENTS.md, aborted-turn notes...). */
const CONTEXT_PREFIXES = [
  '<environment_context>',
  '<user_instructions>',
  '<turn_aborted>',
  '<user_shell_command>',
  '<subagent_notification>',
  '<codex_internal_context',
  '<skill>',
  '# AGENTS.md instructions',
  // The handoff summary Codex inserts after auto-compaction.
  'Another language model started to solve this problem',
];

const ASSISTANT_ITEM_TYPES = new Set([
  'function_call',
  'custom_tool_call',
  'local_shell_call',
  'reasoning',
  'web_search_call',
  'tool_search_call',
]);
const OUTPUT_ITEM_TYPES = new Set(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output', 'tool_search_output']);

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Text of a message's content (a string or a list of input_text/output_text parts). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (part && typeof part === 'object' ? str((part as Item).text) : ''))
    .join('');
}

/** Text of a tool output (`output` may be a string, an object with content, or a list of parts). */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return contentText(output);
  if (output && typeof output === 'object') {
    const o = output as Item;
    if (typeof o.content === 'string') return o.content;
    if (Array.isArray(o.content)) return contentText(o.content);
  }
  return JSON.stringify(output ?? '');
}

function isContextInjection(text: string): boolean {
  const t = text.trimStart();
  return CONTEXT_PREFIXES.some((p) => t.startsWith(p));
}

function tagOf(item: Item): number | undefined {
  const id = str(item.call_id) || str(item.id);
  const m = TURN_TAG.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function parseRequest(body: Item): ParsedRequest {
  const input: Item[] = Array.isArray(body.input) ? (body.input as Item[]) : [];
  let prompt: string | undefined;
  let lastUserText = '';
  let lastUserIndex = -1;
  let turns = 0;
  let inAssistant = false;
  let lastTag: number | undefined;
  const callTurn = new Map<string, number>();

  input.forEach((item, index) => {
    const type = str(item.type) || (item.role ? 'message' : '');
    if (type === 'message' && item.role === 'assistant') {
      startAssistant(item);
    } else if (ASSISTANT_ITEM_TYPES.has(type)) {
      startAssistant(item);
      const id = str(item.call_id);
      if (id) callTurn.set(id, turns);
    } else if (OUTPUT_ITEM_TYPES.has(type)) {
      inAssistant = false;
    } else if (type === 'message' && item.role === 'user') {
      inAssistant = false;
      const text = contentText(item.content);
      if (isContextInjection(text)) return;
      if (prompt === undefined) prompt = text;
      lastUserText = text;
      lastUserIndex = index;
    }
  });

  function startAssistant(item: Item): void {
    const tag = tagOf(item);
    // Our own ids carry the turn; items from elsewhere are grouped by adjacency.
    const sameTurn = tag !== undefined && lastTag !== undefined ? tag === lastTag : inAssistant;
    if (!sameTurn) turns += 1;
    inAssistant = true;
    lastTag = tag;
  }

  // Tool results answering the latest assistant turn (after the latest real user message).
  const toolOutputs: string[] = [];
  input.forEach((item, index) => {
    if (index <= lastUserIndex || !OUTPUT_ITEM_TYPES.has(str(item.type))) return;
    if (callTurn.get(str(item.call_id)) === turns) toolOutputs.push(outputText(item.output));
  });

  return {
    conversation: { prompt: prompt ?? '', turn: turns, toolOutputs, lastUserText, model: str(body.model) },
    tools: offeredTools(body.tools),
  };
}

function offeredTools(tools: unknown): OfferedTools {
  const offered: OfferedTools = {};
  if (!Array.isArray(tools)) return offered;
  for (const t of tools as Item[]) {
    const name = str(t.name);
    if (name === 'apply_patch') offered.applyPatch = t.type === 'custom' ? 'custom' : 'function';
    if (name === 'exec_command') offered.shell = 'exec_command';
    if (name === 'shell_command' && offered.shell !== 'exec_command') offered.shell = 'shell_command';
    if (name === 'shell' && !offered.shell) offered.shell = 'shell';
  }
  return offered;
}

/** An `*** Add File` patch; apply_patch always ends the file with a newline. */
export function addFilePatch(path: string, content: string): string {
  const body = content.endsWith('\n') ? content.slice(0, -1) : content;
  const lines = body.split('\n').map((l) => `+${l}`);
  return `*** Begin Patch\n*** Add File: ${path}\n${lines.join('\n')}\n*** End Patch\n`;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function commandCall(tools: OfferedTools, command: string, id: string): Item {
  switch (tools.shell) {
    case 'shell_command':
      return functionCall(id, 'shell_command', { command });
    case 'shell':
      return functionCall(id, 'shell', { command: ['bash', '-lc', command] });
    default:
      return functionCall(id, 'exec_command', { cmd: command, yield_time_ms: 30000 });
  }
}

function functionCall(id: string, name: string, args: unknown): Item {
  return { type: 'function_call', id: `fc_${id}`, call_id: id, name, arguments: JSON.stringify(args), status: 'completed' };
}

/** The Responses output item carrying one neutral tool call. */
export function toolCallItem(call: ToolCall, tools: OfferedTools, id: string): Item {
  if (call.kind === 'shell') return commandCall(tools, call.command, id);
  const patch = call.kind === 'patch' ? call.patch : addFilePatch(call.path, call.content);
  if (tools.applyPatch === 'custom') {
    return { type: 'custom_tool_call', id: `ctc_${id}`, call_id: id, name: 'apply_patch', input: patch, status: 'completed' };
  }
  if (tools.applyPatch === 'function') return functionCall(id, 'apply_patch', { input: patch });
  if (call.kind === 'patch') throw new Error('the fake model sent a raw patch, but Codex offered no apply_patch tool');
  // No patch tool offered (unknown model slug): write the exact bytes with the shell.
  const dir = call.path.includes('/') ? `mkdir -p ${shQuote(call.path.replace(/\/[^/]*$/, '') || '/')} && ` : '';
  return commandCall(tools, `${dir}printf '%s' ${shQuote(call.content)} > ${shQuote(call.path)}`, id);
}

export function messageItem(id: string, text: string): Item {
  return {
    type: 'message',
    id,
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
}

export function usageBlock(u: TokenUsage): Item {
  return {
    input_tokens: u.input_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.input_tokens + u.output_tokens,
  };
}

/** The SSE events of one streamed response: created, each item added/(delta)/done, completed. */
export function responseEvents(responseId: string, model: string, items: Item[], usage: TokenUsage): Item[] {
  const created = Math.floor(Date.now() / 1000);
  const base = { id: responseId, object: 'response', created_at: created, model };
  const events: Item[] = [{ type: 'response.created', response: { ...base, status: 'in_progress', output: [] } }];
  items.forEach((item, output_index) => {
    if (item.type === 'message') {
      events.push({ type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress', content: [] } });
      const text = contentText(item.content);
      if (text) events.push({ type: 'response.output_text.delta', item_id: item.id, output_index, content_index: 0, delta: text });
    } else {
      events.push({ type: 'response.output_item.added', output_index, item });
    }
    events.push({ type: 'response.output_item.done', output_index, item });
  });
  events.push({
    type: 'response.completed',
    response: { ...base, status: 'completed', output: items, usage: usageBlock(usage) },
  });
  return events.map((e, sequence_number) => ({ ...e, sequence_number }));
}

export function sse(event: Item): string {
  return `event: ${str(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** OpenAI-shaped error body for a status (used when the Reply gives none). */
export function errorBody(status: number, message?: string): Item {
  const [type, code] =
    status === 401
      ? ['invalid_request_error', 'invalid_api_key']
      : status === 429
        ? ['rate_limit_exceeded', 'rate_limit_exceeded']
        : status >= 500
          ? ['server_error', 'server_error']
          : ['invalid_request_error', null];
  const defaults: Record<number, string> = {
    401: 'Incorrect API key provided: sk-fake. You can find your API key at https://platform.openai.com/account/api-keys.',
    429: 'Rate limit reached for requests. Please try again later.',
    500: 'The server had an error while processing your request.',
    503: 'The server is overloaded. Please try again later.',
  };
  return { error: { message: message ?? defaults[status] ?? `fake error ${status}`, type, param: null, code } };
}
