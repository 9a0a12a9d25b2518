/**
 * A fake Gemini API (generativelanguage.googleapis.com, API-key auth) for driving the real
 * Gemini CLI in tests. Agent turns arrive as
 * `POST /v1beta/models/<model>:streamGenerateContent?alt=sse` and are answered by the scripted
 * `Model` as one SSE chunk. Everything else the CLI calls (`:generateContent` for the router
 * classifier / next-speaker / loop / compression / summaries, `:countTokens`) is a side
 * request answered here with a minimal valid body and zero usage. Unknown paths get a 404.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_USAGE,
  type FakeServer,
  type Model,
  type RecordedRequest,
  type Reply,
  type TokenUsage,
} from './model.js';
import { listenOnLoopback } from './loopback.js';
import {
  errorBody,
  isAgentTurn,
  responseBody,
  sideReplyText,
  toConversation,
  toFunctionCall,
  ZERO_USAGE,
  type GeminiPart,
  type GeminiRequest,
} from './gemini-wire.js';

export { geminiQuotaErrorBody, type GeminiQuotaOptions } from './gemini-wire.js';

const ROUTE = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/;

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startGeminiApi(model: Model): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const served: TokenUsage = { input_tokens: 0, output_tokens: 0 };

  const answerAgent = (res: http.ServerResponse, reply: Reply, modelName: string, stream: boolean): void => {
    if (reply.kind === 'silence') return; // keep the request open; close() destroys the socket
    if (reply.kind === 'http_error') {
      sendJson(res, reply.status, reply.body ?? errorBody(reply.status, reply.message), reply.headers ?? {});
      return;
    }
    const usage = reply.usage ?? DEFAULT_USAGE;
    served.input_tokens += usage.input_tokens;
    served.output_tokens += usage.output_tokens;
    const parts: GeminiPart[] = [];
    if (reply.text) parts.push({ text: reply.text });
    (reply.tools ?? []).forEach((call, i) => parts.push(toFunctionCall(call, i)));
    if (parts.length === 0) parts.push({ text: '' });
    const body = responseBody(parts, modelName, usage);
    if (!stream) {
      sendJson(res, 200, body);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end(`data: ${JSON.stringify(body)}\r\n\r\n`);
  };

  const answerSide = (res: http.ServerResponse, method: string, body: GeminiRequest, modelName: string, stream: boolean): void => {
    if (method === 'countTokens') {
      const chars = JSON.stringify(body.contents ?? []).length;
      sendJson(res, 200, { totalTokens: Math.ceil(chars / 4) });
      return;
    }
    if (method === 'embedContent' || method === 'batchEmbedContents') {
      sendJson(res, 200, method === 'embedContent' ? { embedding: { values: [0] } } : { embeddings: [] });
      return;
    }
    const reply = responseBody([{ text: sideReplyText(body) }], modelName, ZERO_USAGE);
    if (!stream) {
      sendJson(res, 200, reply);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(`data: ${JSON.stringify(reply)}\r\n\r\n`);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const match = ROUTE.exec(url.pathname);
    if (method !== 'POST' || !match) {
      requests.push({ method, path: url.pathname + url.search, agentTurn: false, replied: 'http_error' });
      sendJson(res, 404, errorBody(404, `Fake Gemini API: no route for ${method} ${url.pathname}`));
      return;
    }
    const modelName = match[2] ?? 'unknown';
    const rpc = match[3] ?? '';
    let body: GeminiRequest;
    try {
      body = raw ? (JSON.parse(raw) as GeminiRequest) : {};
    } catch {
      requests.push({ method, path: url.pathname, agentTurn: false, replied: 'http_error' });
      sendJson(res, 400, errorBody(400, 'Invalid JSON payload received.'));
      return;
    }
    const stream = rpc === 'streamGenerateContent';
    if (!['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'].includes(rpc)) {
      requests.push({ method, path: url.pathname, agentTurn: false, replied: 'http_error' });
      sendJson(res, 404, errorBody(404, `Fake Gemini API: unknown method ${rpc}`));
      return;
    }
    if (!isAgentTurn(rpc, body)) {
      requests.push({ method, path: url.pathname, agentTurn: false, replied: 'side' });
      answerSide(res, rpc, body, modelName, stream);
      return;
    }
    const conversation = toConversation(body, modelName);
    let reply: Reply;
    try {
      reply = model(conversation);
    } catch (err) {
      reply = { kind: 'http_error', status: 500, message: `Scripted model threw: ${String(err)}` };
    }
    requests.push({ method, path: url.pathname, agentTurn: true, conversation, replied: reply.kind });
    answerAgent(res, reply, modelName, stream);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, String(err)));
      else res.destroy();
    });
  });
  const { origin, close } = await listenOnLoopback(server);
  return { url: origin, requests, served, close };
}

/**
 * Env for running `gemini` against the fake server with all state under `home` (call
 * `prepareGeminiHome` first: it selects API-key auth in settings.json and creates `home/tmp`).
 */
export function geminiTestEnv(serverUrl: string, home: string): Record<string, string> {
  return {
    HOME: home,
    // ~/.gemini (settings, sessions, history) lives here.
    GEMINI_CLI_HOME: home,
    // Error reports (gemini-client-error-*.json) and shell-tool scratch dirs go to os.tmpdir().
    TMPDIR: path.join(home, 'tmp'),
    GEMINI_API_KEY: 'fake-gemini-api-key',
    // Honoured by the CLI's content generator and the bundled @google/genai SDK (http allowed on loopback).
    GOOGLE_GEMINI_BASE_URL: serverUrl,
    GEMINI_TELEMETRY_ENABLED: 'false',
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    // One process instead of a parent that re-spawns itself (and ignores SIGTERM/SIGINT).
    GEMINI_CLI_NO_RELAUNCH: 'true',
    NO_COLOR: '1',
    NO_BROWSER: 'true',
    // Keep a parent shell's settings from steering the CLI to another backend.
    GOOGLE_GENAI_USE_VERTEXAI: 'false',
    GOOGLE_GENAI_USE_GCA: 'false',
    GEMINI_SANDBOX: 'false',
  };
}

type Settings = Record<string, unknown>;

function merge(base: Settings, extra: Settings): Settings {
  const out: Settings = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const prev = out[key];
    const bothObjects =
      value && typeof value === 'object' && !Array.isArray(value) && prev && typeof prev === 'object' && !Array.isArray(prev);
    out[key] = bothObjects ? merge(prev as Settings, value as Settings) : value;
  }
  return out;
}

/**
 * Writes `<home>/.gemini/settings.json` for unattended, offline, API-key runs (and creates
 * `<home>/tmp` for TMPDIR). `overrides` are deep-merged, e.g. `{ general: { maxAttempts: 3 } }`.
 */
export function prepareGeminiHome(home: string, serverUrl: string, overrides: Settings = {}): void {
  void serverUrl; // the base URL travels in GOOGLE_GEMINI_BASE_URL (geminiTestEnv)
  const dir = path.join(home, '.gemini');
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(path.join(home, 'tmp'), { recursive: true });
  const settings: Settings = {
    security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: {
      enableAutoUpdate: false,
      enableAutoUpdateNotification: false,
      // Retries of 429/5xx/timeouts (5 s, 10 s, 20 s, 30 s... backoff) only with an explicit -m;
      // the `auto` model's policy always allows 3 attempts.
      maxAttempts: 1,
      sessionRetention: { enabled: false },
    },
    ide: { enabled: false },
    tools: { useRipgrep: false },
    ui: { hideBanner: true, hideTips: true, showCompatibilityWarnings: false },
    // A .env in the workspace must not feed GEMINI_MODEL & co. into the run.
    advanced: { ignoreLocalEnv: true },
  };
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(merge(settings, overrides), null, 2) + '\n');
}
