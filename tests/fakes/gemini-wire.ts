/**
 * Gemini API wire helpers for the fake server in `gemini-api.ts`: reading a
 * `generateContent` request body into a neutral `Conversation`, building response
 * bodies, and answering the CLI's side requests (router classifier, next-speaker
 * check, loop detection, compression, summaries) with minimal valid values.
 */
import type { Conversation, ToolCall, TokenUsage } from './model.js';

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { id?: string; name?: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name?: string; response?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

export interface GeminiRequest {
  contents?: GeminiContent[];
  systemInstruction?: unknown;
  tools?: Array<{ functionDeclarations?: Array<{ name?: string }> }>;
  generationConfig?: {
    responseMimeType?: string;
    responseSchema?: unknown;
    responseJsonSchema?: unknown;
    [key: string]: unknown;
  };
}

/** The CLI wraps its environment block in this tag; it is not part of the user's prompt. */
const CONTEXT_TAG = /^\s*<session_context>/;

function userTexts(content: GeminiContent): string[] {
  return (content.parts ?? [])
    .filter((p) => typeof p.text === 'string' && !p.thought && !CONTEXT_TAG.test(p.text))
    .map((p) => p.text as string);
}

function toolOutputText(response: Record<string, unknown> | undefined): string {
  if (!response) return '';
  const { output, error } = response;
  if (typeof output === 'string') return output;
  if (typeof error === 'string') return error;
  return JSON.stringify(response);
}

/** Reads a request body into the neutral conversation handed to the scripted model. */
export function toConversation(body: GeminiRequest, model: string): Conversation {
  const contents = body.contents ?? [];
  const userTurns = contents.filter((c) => c.role !== 'model').map(userTexts).filter((t) => t.length > 0);
  const last = contents[contents.length - 1];
  const toolOutputs =
    last && last.role !== 'model'
      ? (last.parts ?? [])
          .filter((p) => p.functionResponse)
          .map((p) => toolOutputText(p.functionResponse?.response))
      : [];
  return {
    prompt: (userTurns[0] ?? []).join('\n'),
    turn: contents.filter((c) => c.role === 'model').length,
    toolOutputs,
    lastUserText: (userTurns[userTurns.length - 1] ?? []).join('\n'),
    model,
  };
}

/** Maps a neutral tool call onto Gemini CLI's own tool (`write_file`, `run_shell_command`). */
export function toFunctionCall(call: ToolCall, index: number): GeminiPart {
  const id = `call_${Date.now().toString(36)}_${index}`;
  if (call.kind === 'write_file') {
    return { functionCall: { id, name: 'write_file', args: { file_path: call.path, content: call.content } } };
  }
  if (call.kind === 'patch') throw new Error('raw patches are a Codex tool call; Gemini CLI has none');
  return {
    functionCall: {
      id,
      name: 'run_shell_command',
      args: { command: call.command, description: 'Run a shell command' },
    },
  };
}

export function usageMetadata(usage: TokenUsage): Record<string, number> {
  return {
    promptTokenCount: usage.input_tokens,
    candidatesTokenCount: usage.output_tokens,
    totalTokenCount: usage.input_tokens + usage.output_tokens,
  };
}

export const ZERO_USAGE: TokenUsage = { input_tokens: 0, output_tokens: 0 };

export function responseBody(parts: GeminiPart[], model: string, usage: TokenUsage): Record<string, unknown> {
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: usageMetadata(usage),
    modelVersion: model,
    responseId: `resp_${Math.random().toString(36).slice(2, 12)}`,
  };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Google's error envelope: `{"error": {"code", "message", "status"}}`. */
export function errorBody(status: number, message?: string): Record<string, unknown> {
  const name = STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'UNKNOWN');
  return { error: { code: status, message: message ?? `Fake ${name} error`, status: name } };
}

export interface GeminiQuotaOptions {
  /** 'day' (default): a daily quota, which the CLI treats as terminal; 'minute': retryable. */
  scope?: 'day' | 'minute';
  /** Seconds in `RetryInfo.retryDelay` and the message's "Please retry in". Default 43. */
  retryDelaySeconds?: number;
  model?: string;
}

/**
 * The body of a real Gemini API quota 429 (RESOURCE_EXHAUSTED with QuotaFailure, Help and
 * RetryInfo details), for `{ kind: 'http_error', status: 429, body: geminiQuotaErrorBody() }`.
 */
export function geminiQuotaErrorBody(options: GeminiQuotaOptions = {}): Record<string, unknown> {
  const { scope = 'day', retryDelaySeconds = 43, model = 'gemini-2.5-pro' } = options;
  const perDay = scope === 'day';
  const metric = `generativelanguage.googleapis.com/generate_content_free_tier_requests`;
  const quotaId = perDay
    ? 'GenerateRequestsPerDayPerProjectPerModel-FreeTier'
    : 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier';
  const limit = perDay ? 50 : 5;
  return {
    error: {
      code: 429,
      message:
        `You exceeded your current quota, please check your plan and billing details. ` +
        `For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n` +
        `* Quota exceeded for metric: ${metric}, limit: ${limit}, model: ${model}\n` +
        `Please retry in ${retryDelaySeconds}.5s.`,
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            { quotaMetric: metric, quotaId, quotaDimensions: { location: 'global', model }, quotaValue: String(limit) },
          ],
        },
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryDelaySeconds}s` },
      ],
    },
  };
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
};

/** Field-specific answers that keep the run undisturbed (stay on the requested model, hand the turn back). */
const PREFERRED: Record<string, unknown> = {
  next_speaker: 'user',
  model_choice: 'pro',
  complexity_score: 100,
  unproductive_state_confidence: 0,
};

/** A minimal value satisfying a (Gemini or JSON) schema. */
export function fillSchema(schema: Schema | undefined, key = ''): unknown {
  if (!schema) return {};
  if (key in PREFERRED) {
    const want = PREFERRED[key];
    if (!schema.enum || schema.enum.includes(want)) return want;
  }
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (schema.anyOf && schema.anyOf[0]) return fillSchema(schema.anyOf[0], key);
  const type = String(Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? 'object')).toLowerCase();
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(schema.properties ?? {})) out[name] = fillSchema(sub, name);
      return out;
    }
    case 'array':
      return [];
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** The text a side request gets: schema-shaped JSON in JSON mode, else a short neutral sentence. */
export function sideReplyText(body: GeminiRequest): string {
  const cfg = body.generationConfig ?? {};
  const schema = (cfg.responseJsonSchema ?? cfg.responseSchema) as Schema | undefined;
  if (schema) return JSON.stringify(fillSchema(schema));
  if (cfg.responseMimeType === 'application/json') return '{}';
  return 'No summary.';
}

/** Streaming calls without a response schema come from the CLI's chat loop: agent turns. */
export function isAgentTurn(method: string, body: GeminiRequest): boolean {
  const cfg = body.generationConfig ?? {};
  return method === 'streamGenerateContent' && !cfg.responseJsonSchema && !cfg.responseSchema;
}
