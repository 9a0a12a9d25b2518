/**
 * Fake OpenAI Responses API for driving the real Codex CLI (`codex exec`) in tests.
 *
 * Agent turns (POST {base}/responses whose `x-codex-turn-metadata` says request_kind "turn")
 * go to the scripted `Model`; its neutral tool calls become Codex's own tools: `write_file` ->
 * apply_patch (freeform custom tool, `*** Add File`), `shell` -> exec_command {cmd}. Codex runs
 * them for real in its cwd and sends the results back as function_call_output /
 * custom_tool_call_output items, which become `Conversation.toolOutputs`.
 * Findings behind these choices: /tmp/findings-codex.md.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  DEFAULT_USAGE,
  type FakeServer,
  type Model,
  type RecordedRequest,
  type Reply,
  type TokenUsage,
} from './model.js';
import { listenOnLoopback } from './loopback.js';
import { callId, errorBody, messageItem, parseRequest, responseEvents, sse, toolCallItem } from './openai-responses.js';

/** A bundled Codex model slug: known metadata (no "Model metadata ... not found" error item). */
export const CODEX_TEST_MODEL = 'gpt-5.5';
/** The custom provider id written into config.toml, and the env var holding its fake key. */
export const CODEX_PROVIDER_ID = 'runr_fake';
export const CODEX_FAKE_KEY_ENV = 'RUNR_FAKE_OPENAI_KEY';

/**
 * The Reply for "subscription usage limit reached" (ChatGPT plan quota): HTTP 429 with an error
 * of type `usage_limit_reached` and its reset time. Codex does not retry it; it prints
 * "You've hit your usage limit. ... Try again at <local time>." (see findings, scenario e).
 */
export function usageLimitReply(resetsInSeconds = 3600, planType = 'plus'): Reply {
  const resetsAt = Math.floor(Date.now() / 1000) + resetsInSeconds;
  return {
    kind: 'http_error',
    status: 429,
    body: {
      error: {
        type: 'usage_limit_reached',
        message: 'The usage limit has been reached',
        plan_type: planType,
        resets_at: resetsAt,
        resets_in_seconds: resetsInSeconds,
      },
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decode(raw: Buffer, encoding: string | undefined): string {
  const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
  switch (encoding) {
    case 'gzip':
      return zlib.gunzipSync(raw).toString('utf8');
    case 'deflate':
      return zlib.inflateSync(raw).toString('utf8');
    case 'br':
      return zlib.brotliDecompressSync(raw).toString('utf8');
    case 'zstd':
      if (!zstd) throw new Error('zstd request bodies need Node >= 22.15');
      return zstd(raw).toString('utf8');
    default:
      return raw.toString('utf8');
  }
}

/** `request_kind` from Codex's per-request metadata header ("turn" for agent turns). */
function requestKind(req: http.IncomingMessage): string | undefined {
  const raw = req.headers['x-codex-turn-metadata'];
  if (typeof raw !== 'string') return undefined;
  try {
    const meta = JSON.parse(raw) as { request_kind?: unknown };
    return typeof meta.request_kind === 'string' ? meta.request_kind : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Minimal valid streamed answer for side requests on /responses (never shown to the model). */
function sideStream(res: http.ServerResponse, model: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const zero = { input_tokens: 0, output_tokens: 0 };
  for (const e of responseEvents('resp_side', model, [messageItem('msg_side', 'ok')], zero)) res.write(sse(e));
  res.end();
}

export async function startOpenAiApi(model: Model): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const served: TokenUsage = { input_tokens: 0, output_tokens: 0 };
  let responseCounter = 0;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, String(err)));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const urlPath = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);

    if (method === 'GET' && /\/models\/?$/.test(urlPath)) {
      requests.push({ method, path: urlPath, agentTurn: false, replied: 'side' });
      sendJson(res, 200, { object: 'list', data: [], models: [] });
      return;
    }
    if (method === 'POST' && urlPath.endsWith('/responses/compact')) {
      requests.push({ method, path: urlPath, agentTurn: false, replied: 'side' });
      sendJson(res, 200, { output: [] });
      return;
    }
    if (method !== 'POST' || !urlPath.endsWith('/responses')) {
      // Includes the WebSocket upgrade (GET /v1/responses) the built-in provider tries first.
      requests.push({ method, path: urlPath, agentTurn: false, replied: 'http_error' });
      sendJson(res, 404, errorBody(404, `no route for ${method} ${urlPath}`));
      return;
    }

    const body = JSON.parse(decode(raw, req.headers['content-encoding'])) as Record<string, unknown>;
    const kind = requestKind(req);
    const modelName = typeof body.model === 'string' ? body.model : CODEX_TEST_MODEL;
    if (kind !== undefined && kind !== 'turn') {
      requests.push({ method, path: urlPath, agentTurn: false, replied: 'side' });
      sideStream(res, modelName);
      return;
    }

    const { conversation, tools } = parseRequest(body);
    const reply = model(conversation);
    requests.push({ method, path: urlPath, agentTurn: true, conversation, replied: reply.kind });

    if (reply.kind === 'silence') {
      // Keep the socket open without sending anything; close() destroys it.
      return;
    }
    if (reply.kind === 'http_error') {
      sendJson(res, reply.status, reply.body ?? errorBody(reply.status, reply.message), reply.headers);
      return;
    }

    const usage = reply.usage ?? DEFAULT_USAGE;
    served.input_tokens += usage.input_tokens;
    served.output_tokens += usage.output_tokens;
    const turn = conversation.turn;
    const items: Record<string, unknown>[] = [];
    if (reply.text !== undefined && reply.text !== '') items.push(messageItem(`msg_fake_t${turn}`, reply.text));
    (reply.tools ?? []).forEach((call, i) => items.push(toolCallItem(call, tools, callId(turn, i))));
    responseCounter += 1;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const e of responseEvents(`resp_fake_${responseCounter}`, modelName, items, usage)) res.write(sse(e));
    res.end();
  }

  const { origin, close } = await listenOnLoopback(server);
  return { url: `${origin}/v1`, requests, served, close };
}

/** Where Codex keeps its state for a test home (config, sessions, sqlite dbs). */
export function codexHomeDir(home: string): string {
  return path.join(home, '.codex');
}

export interface CodexHomeOptions {
  /** Provider HTTP retries (Codex default 4). */
  requestMaxRetries?: number;
  /** Provider stream reconnects (Codex default 5). */
  streamMaxRetries?: number;
  /** Idle stream timeout in ms (Codex default 300000). */
  streamIdleTimeoutMs?: number;
}

/**
 * Writes $CODEX_HOME/config.toml: a custom Responses provider pointing at the fake server (HTTP
 * only, no WebSocket), the bundled test model, retries capped (0 unless told), and every
 * background feature that reaches the internet (plugin sync to github.com, analytics, feedback,
 * OTEL, update checks) switched off.
 */
export function prepareCodexHome(home: string, serverUrl: string, opts: CodexHomeOptions = {}): void {
  const dir = codexHomeDir(home);
  fs.mkdirSync(dir, { recursive: true });
  const toml = `model = "${CODEX_TEST_MODEL}"
model_provider = "${CODEX_PROVIDER_ID}"
check_for_update_on_startup = false

[model_providers.${CODEX_PROVIDER_ID}]
name = "runr fake OpenAI"
base_url = "${serverUrl}"
env_key = "${CODEX_FAKE_KEY_ENV}"
wire_api = "responses"
supports_websockets = false
request_max_retries = ${opts.requestMaxRetries ?? 0}
stream_max_retries = ${opts.streamMaxRetries ?? 0}
stream_idle_timeout_ms = ${opts.streamIdleTimeoutMs ?? 300000}

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"
trace_exporter = "none"
metrics_exporter = "none"

[history]
persistence = "none"

[features]
plugins = false
remote_plugin = false
apps = false
tool_suggest = false
unbounded_connection_retries = false
`;
  fs.writeFileSync(path.join(dir, 'config.toml'), toml);
}

/** Env for running `codex exec` against the fake server with all state under `home`. */
export function codexTestEnv(_serverUrl: string, home: string): Record<string, string> {
  return {
    HOME: home,
    CODEX_HOME: codexHomeDir(home),
    [CODEX_FAKE_KEY_ENV]: 'sk-fake-codex-test',
    NO_COLOR: '1',
    RUST_LOG: 'error',
    // Usage-limit messages print the reset time in local time ("try again at 2:22 AM.").
    TZ: 'UTC',
  };
}
