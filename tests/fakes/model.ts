/**
 * A provider-neutral scripted model. Each fake API server (Anthropic, OpenAI Responses, Gemini)
 * turns a request into a `Conversation`, asks the test's `Model` for a `Reply`, and writes that
 * reply back in its own wire format, so one script drives every real CLI the same way.
 */

/** A tool call the fake model makes; each server maps it onto its CLI's own tool names. */
export type ToolCall =
  | { kind: 'write_file'; path: string; content: string }
  | { kind: 'shell'; command: string }
  /** Codex only: this apply_patch text as it is (e.g. a patch that cannot apply). */
  | { kind: 'patch'; patch: string };

export interface Conversation {
  /** The text of the conversation's first user message: runr's prompt. */
  prompt: string;
  /** Assistant turns already in this conversation (0 for the first request of a session). */
  turn: number;
  /** Text of the tool results sent back in this request, in order (empty when none). */
  toolOutputs: string[];
  /** Text of the latest user message (a follow-up request in a continued session shows here). */
  lastUserText: string;
  model: string;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

export type Reply =
  /**
   * Text and/or tool calls. A reply without tool calls ends the CLI's turn.
   * `headers`: extra HTTP response headers (e.g. Anthropic's `anthropic-ratelimit-unified-*`).
   */
  | { kind: 'answer'; text?: string; tools?: ToolCall[]; usage?: TokenUsage; headers?: Record<string, string> }
  /** An HTTP error; the server fills in a provider-shaped body when `body` is absent. */
  | { kind: 'http_error'; status: number; headers?: Record<string, string>; message?: string; body?: unknown }
  /** Accept the request and never answer (the connection stays open until the client goes). */
  | { kind: 'silence' };

export type Model = (conversation: Conversation) => Reply;

export interface RecordedRequest {
  method: string;
  path: string;
  /** True when the request was an agent turn handed to the model; false for side requests. */
  agentTurn: boolean;
  conversation?: Conversation;
  /** The reply kind given ('side' for side requests answered by the server itself). */
  replied: Reply['kind'] | 'side';
}

export interface FakeServer {
  /** Base URL to give the CLI (exactly what its base-URL setting expects). */
  url: string;
  requests: RecordedRequest[];
  /** Tokens the server reported in agent-turn answers, summed. */
  served: TokenUsage;
  close(): Promise<void>;
}

export const DEFAULT_USAGE: TokenUsage = { input_tokens: 100, output_tokens: 20 };
