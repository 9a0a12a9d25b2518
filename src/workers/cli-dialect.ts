import type { CliWorkerConfig, CliWorkerType } from '../contracts/config.js';
import type { OwnPaths } from './sandbox/confine.js';
import type { ActivityReader } from './activity/item.js';

/** What a CLI's machine-readable output said about a call, once it is over. */
export interface CliSummary {
  /** The agent's final answer text (where runr's result JSON is). */
  text: string | null;
  sessionId: string | null;
  usage: { input_tokens: number; output_tokens: number; cached_input_tokens?: number; cost_usd: number | null } | null;
  failure: CliFailure | null;
  /** Things worth a line in the transcript. */
  notes?: string[];
  /**
   * Failures the CLI reported about the agent's own actions (a failed file change or command, a
   * refused or failed tool call), one line each: the next attempt and the report are told.
   */
  actionFailures?: string[];
}

export type CliFailure =
  /** Quota pressure: a rate limit, overload or usage limit. */
  | { kind: 'rate_limited'; message: string; retryAt?: string | null; retryAfterS?: number | null }
  /** Credentials missing or refused. */
  | { kind: 'auth'; message: string }
  /** The session asked to continue does not exist (any more). */
  | { kind: 'session_missing'; message: string }
  /** Any other failure the CLI reported (API error, failed turn). */
  | { kind: 'error'; message: string };

/** Reads one CLI call's output as it arrives. */
export interface CliParser {
  /** One complete stdout line. */
  line(line: string): void;
  /** True once the CLI has printed its final result (it may then linger only for the grace period). */
  finished(): boolean;
  /** True when going on is pointless (e.g. the CLI is retrying refused credentials): runr ends it now. */
  shouldAbort?(): boolean;
  summary(end: { stdout: string; stderr: string; exitCode: number | null }): CliSummary;
}

export interface CallOptions {
  config: CliWorkerConfig;
  /** Continue this session instead of starting a new one. */
  sessionId: string | null;
  workDir: string;
  /** The call runs inside runr's sandbox (a CLI's own sandbox would fail nested in it). */
  sandboxed: boolean;
}

/** Everything runr knows about one worker CLI: how to call it headless and how to read it. */
export interface CliDialect {
  type: CliWorkerType;
  /** The product name, for messages. */
  product: string;
  defaultBin: string;
  /** The npm package that installs it, for `doctor`'s fix. */
  npmPackage: string;
  /** Arguments for a headless call; the prompt itself always goes on stdin. */
  args(opts: CallOptions): string[];
  /**
   * What the CLI writes for itself (config, sessions, logs), from its effective environment: writable
   * when it runs in runr's sandbox.
   */
  sandboxPaths(env: NodeJS.ProcessEnv, home: string): OwnPaths;
  /** Environment laid over runr's own (before the worker config's `env`). */
  env?(opts: CallOptions): Record<string, string>;
  createParser(): CliParser;
  /** Reads the worker's activity (tool calls, messages, tokens so far) from the same stdout lines, for live progress. */
  createActivityReader?(): ActivityReader;
  /** The signal that makes the CLI stop cleanly, ending the commands it started (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** Whether the CLI reports what a call cost (else only a configured `price` gives a cost). */
  reportsCost: boolean;
  /** The CLI reports usage summed over the whole session, also across continued calls. */
  cumulativeUsage?: boolean;
  /** How a user gives this CLI credentials: env vars that carry them, files a login writes, the login step. */
  credentials: {
    envVars: (env: NodeJS.ProcessEnv) => string[];
    files: (env: NodeJS.ProcessEnv, home: string) => string[];
    login: string;
  };
  /** `doctor`: arguments whose help text must mention `marker` for headless use to work. */
  headlessHelp: { args: string[]; marker: string };
  /**
   * `doctor`: the CLI's own sandbox, for CLIs that confine their tools themselves when runr does not:
   * arguments that run `command` inside it as a run would (in the current directory), without a model call.
   */
  ownSandbox?: { name: string; probeArgs(command: string[]): string[] };
}

/** What to do when a CLI's credentials are refused: the exact env var or login step. */
export function credentialFix(dialect: CliDialect, env: NodeJS.ProcessEnv): string {
  const vars = dialect.credentials.envVars(env);
  const named = vars.length === 1 ? vars[0] : `${vars.slice(0, -1).join(', ')} or ${vars.at(-1)}`;
  return `Set ${named} to a valid key (or ${dialect.credentials.login})`;
}

/** A number from a parsed event, 0 when absent or not a number. */
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
/** A string from a parsed event, null when absent or not a string. */
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Parses one line of JSON output; anything else (banners, blank lines) is null. */
export function parseJsonLine(line: string): Record<string, unknown> | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
