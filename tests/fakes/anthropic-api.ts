/**
 * A fake Anthropic Messages API for driving the real `claude` CLI (Claude Code) headless.
 *
 * Agent turns (POST /v1/messages carrying the CLI's tool list) are turned into a neutral
 * `Conversation` and answered with the test `Model`'s `Reply`, streamed as SSE (or as one JSON
 * message when the CLI asks without `stream: true`). Neutral tool calls become Claude Code's
 * `Write` ({file_path, content}, absolute path) and `Bash` ({command, description}) tools.
 * Everything else the CLI calls (HEAD /api/hello, count_tokens, tool-less side queries) is
 * answered here and recorded as a side request; unknown paths get a 404.
 */
import http from 'node:http';
import path from 'node:path';
import {
  DEFAULT_USAGE,
  type Conversation,
  type FakeServer,
  type Model,
  type RecordedRequest,
  type Reply,
  type TokenUsage,
  type ToolCall,
} from './model.js';
import { listenOnLoopback } from './loopback.js';

export { claudeTestEnv, prepareClaudeHome, usageLimitReply, type ClaudeEnvOptions } from './anthropic-env.js';

type Json = Record<string, unknown>;
interface Block {
  type?: string;
  text?: string;
  content?: unknown;
  [key: string]: unknown;
}
interface Message {
  role?: string;
  content?: string | Block[];
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function blocks(content: Message['content']): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content : [];
}

const REMINDER = /\s*<system-reminder>[\s\S]*?<\/system-reminder>\s*/g;
const stripReminders = (text: string): string => text.replace(REMINDER, (m) => (m.includes('\n') ? '\n' : '')).trim();

/** Text a person (or runr) typed: text blocks minus the CLI's injected <system-reminder> sections. */
function humanText(msg: Message): string {
  return blocks(msg.content)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .map((t) => (t.includes('<system-reminder>') ? stripReminders(t) : t))
    .filter((t) => t !== '')
    .join('\n');
}

function toolResultText(block: Block): string {
  const c = block.content;
  const text =
    typeof c === 'string'
      ? c
      : Array.isArray(c)
        ? (c as Block[]).filter((b) => b.type === 'text').map((b) => String(b.text ?? '')).join('\n')
        : '';
  return text.includes('<system-reminder>') ? stripReminders(text) : text;
}

export function toConversation(body: Json): Conversation {
  const messages = (Array.isArray(body.messages) ? (body.messages as Message[]) : []).filter(
    (m) => m.role === 'user' || m.role === 'assistant',
  );
  const users = messages.filter((m) => m.role === 'user');
  const last = messages[messages.length - 1];
  const toolOutputs =
    last?.role === 'user' ? blocks(last.content).filter((b) => b.type === 'tool_result').map(toolResultText) : [];
  const withText = users.filter((m) => humanText(m) !== '');
  return {
    prompt: users[0] ? humanText(users[0]) : '',
    turn: messages.filter((m) => m.role === 'assistant').length,
    toolOutputs,
    lastUserText: withText.length > 0 ? humanText(withText[withText.length - 1] as Message) : '',
    model: typeof body.model === 'string' ? body.model : '',
  };
}

/** The conversation's working directory, from the environment section Claude Code sends. */
export function findCwd(body: Json): string | undefined {
  const texts: string[] = [];
  const collect = (content: unknown): void => {
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content)) for (const b of content as Block[]) if (typeof b.text === 'string') texts.push(b.text);
  };
  collect(body.system);
  for (const m of Array.isArray(body.messages) ? (body.messages as Message[]) : []) collect(m.content);
  for (const text of texts) {
    const m = /(?:Primary working directory|Working directory): *(\S.*)$/m.exec(text);
    if (m?.[1]) return m[1].trim();
  }
  return undefined;
}

function toolUse(call: ToolCall, cwd: string | undefined): { name: string; input: Json } {
  if (call.kind === 'write_file') {
    const filePath = path.isAbsolute(call.path) ? call.path : path.resolve(cwd ?? process.cwd(), call.path);
    return { name: 'Write', input: { file_path: filePath, content: call.content } };
  }
  if (call.kind === 'patch') throw new Error('raw patches are a Codex tool call; Claude Code has none');
  return { name: 'Bash', input: { command: call.command, description: 'Run a shell command' } };
}

function usageFields(u: TokenUsage): Json {
  return {
    input_tokens: u.input_tokens,
    output_tokens: u.output_tokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

let idCounter = 0;
const nextId = (prefix: string): string => `${prefix}_fake${Date.now().toString(36)}${(++idCounter).toString(36)}`;

/** The assistant message for an answer Reply, as content blocks. */
function answerContent(reply: Extract<Reply, { kind: 'answer' }>, cwd: string | undefined): Json[] {
  const content: Json[] = [];
  if (reply.text !== undefined && reply.text !== '') content.push({ type: 'text', text: reply.text });
  for (const call of reply.tools ?? []) content.push({ type: 'tool_use', id: nextId('toolu'), ...toolUse(call, cwd) });
  if (content.length === 0) content.push({ type: 'text', text: '' });
  return content;
}

function writeSse(
  res: http.ServerResponse,
  model: string,
  content: Json[],
  stop: string,
  usage: TokenUsage,
  headers: Record<string, string> = {},
): void {
  const event = (type: string, data: Json): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': nextId('req'),
    ...headers,
  });
  event('message_start', {
    message: {
      id: nextId('msg'),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageFields(usage),
    },
  });
  content.forEach((block, index) => {
    if (block.type === 'tool_use') {
      event('content_block_start', { index, content_block: { ...block, input: {} } });
      event('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      });
    } else {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { index, delta: { type: 'text_delta', text: String(block.text ?? '') } });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: usageFields(usage) });
  event('message_stop', {});
  res.end();
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': nextId('req'), ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, reply: Extract<Reply, { kind: 'http_error' }>): void {
  const body = reply.body ?? {
    type: 'error',
    error: { type: ERROR_TYPES[reply.status] ?? 'api_error', message: reply.message ?? `fake error ${reply.status}` },
  };
  sendJson(res, reply.status, body, reply.headers);
}

/** A minimal valid answer to a side query (title, topic, summary...): never shown to the model. */
function sideMessage(model: string): Json {
  return {
    id: nextId('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'ok' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: usageFields({ input_tokens: 1, output_tokens: 1 }),
  };
}

function isAgentTurn(body: Json): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0;
}

export async function startAnthropicApi(model: Model): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const served: TokenUsage = { input_tokens: 0, output_tokens: 0 };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string): void => {
    const method = req.method ?? 'GET';
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const record = (r: Omit<RecordedRequest, 'method' | 'path'>): void => {
      requests.push({ method, path: pathname, ...r });
    };

    if (pathname === '/api/hello' || pathname === '/') {
      record({ agentTurn: false, replied: 'side' });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(method === 'HEAD' ? undefined : 'ok');
      return;
    }
    if (method === 'POST' && pathname === '/v1/messages/count_tokens') {
      record({ agentTurn: false, replied: 'side' });
      sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
      return;
    }
    if (method !== 'POST' || pathname !== '/v1/messages') {
      record({ agentTurn: false, replied: 'http_error' });
      sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no route ${method} ${pathname}` } });
      return;
    }

    let body: Json;
    try {
      body = JSON.parse(raw) as Json;
    } catch {
      record({ agentTurn: false, replied: 'http_error' });
      sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'bad JSON' } });
      return;
    }
    const modelName = typeof body.model === 'string' ? body.model : 'claude-fake';
    if (!isAgentTurn(body)) {
      record({ agentTurn: false, replied: 'side' });
      if (body.stream === true) {
        writeSse(res, modelName, [{ type: 'text', text: 'ok' }], 'end_turn', { input_tokens: 1, output_tokens: 1 });
      } else {
        sendJson(res, 200, sideMessage(modelName));
      }
      return;
    }

    const conversation = toConversation(body);
    let reply: Reply;
    try {
      reply = model(conversation);
    } catch (err) {
      reply = { kind: 'http_error', status: 500, message: `fake model threw: ${String(err)}` };
    }
    record({ agentTurn: true, conversation, replied: reply.kind });

    if (reply.kind === 'silence') return; // keep the response open; close() destroys the socket
    if (reply.kind === 'http_error') {
      sendError(res, reply);
      return;
    }
    const usage = reply.usage ?? DEFAULT_USAGE;
    served.input_tokens += usage.input_tokens;
    served.output_tokens += usage.output_tokens;
    const content = answerContent(reply, findCwd(body));
    const stop = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
    if (body.stream === true) {
      writeSse(res, modelName, content, stop, usage, reply.headers);
    } else {
      const message = { ...sideMessage(modelName), content, stop_reason: stop, usage: usageFields(usage) };
      sendJson(res, 200, message, reply.headers);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  const { origin, close } = await listenOnLoopback(server);
  return { url: origin, requests, served, close };
}
