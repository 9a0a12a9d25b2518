import path from 'node:path';
import { ActionFailures, oneLine } from './action-failures.js';
import { geminiActivity } from './activity/gemini.js';
import { num, parseJsonLine, str, type CliDialect, type CliFailure, type CliParser, type CliSummary } from './cli-dialect.js';

/**
 * Gemini CLI headless: `gemini -o stream-json`, one JSON event per line, ending in a `result`
 * event whose `status` decides (the exit code is 0 after some failures, and the HTTP status
 * modulo 256 after API errors). It reports tokens but no cost.
 */
type Event = Record<string, unknown>;

/** Exit codes of headless failures: auth config (41), and API errors as HTTP status & 0xff. */
const AUTH_EXITS = new Set([41, 401 & 0xff, 403 & 0xff]);
const QUOTA_EXITS = new Set([429 & 0xff, 503 & 0xff]);

class GeminiParser implements CliParser {
  private result: Event | null = null;
  private sessionId: string | null = null;
  /** Assistant text since the last tool call: the final answer once the result arrives. */
  private text = '';
  /** Tool calls by id, described in a few words ("write_file src/a.ts"), to name the tool of a failed result. */
  private readonly toolCalls = new Map<string, string>();
  private readonly actionFailures = new ActionFailures();

  line(line: string): void {
    const event = parseJsonLine(line);
    if (!event) return;
    switch (event.type) {
      case 'init':
        this.sessionId = str(event.session_id) ?? this.sessionId;
        break;
      case 'message':
        if (event.role === 'assistant') this.text += str(event.content) ?? '';
        break;
      case 'tool_use':
        this.text = '';
        if (typeof event.tool_id === 'string') this.toolCalls.set(event.tool_id, describeCall(event));
        break;
      case 'tool_result':
        this.text = '';
        if (event.status === 'error') this.noteToolError(event);
        break;
      case 'result':
        this.result = event;
        break;
      default:
        break;
    }
  }

  private noteToolError(event: Event): void {
    const what = (typeof event.tool_id === 'string' ? this.toolCalls.get(event.tool_id) : undefined) ?? 'a tool call';
    const error = str((event.error as Event | undefined)?.message) ?? str(event.output) ?? 'error';
    this.actionFailures.add(`${what} failed: ${error}`);
  }

  finished(): boolean {
    return this.result !== null;
  }

  summary(end: { stderr: string; exitCode: number | null }): CliSummary {
    const r = this.result;
    const ok = r?.status === 'success';
    return {
      text: ok ? this.text : null,
      sessionId: this.sessionId,
      usage: r ? usageOf(r) : null,
      failure: ok ? null : failureOf(r, end),
      actionFailures: this.actionFailures.list(),
    };
  }
}

/** A tool call in a few words: its name and the command or file it is about. */
function describeCall(event: Event): string {
  const p = (event.parameters ?? {}) as Event;
  const about = str(p.command) ?? str(p.file_path) ?? str(p.absolute_path) ?? str(p.dir_path) ?? str(p.path);
  return `${str(event.tool_name) ?? 'tool'}${about ? ` ${oneLine(about, 120)}` : ''}`;
}

function usageOf(r: Event): CliSummary['usage'] {
  const stats = (r.stats ?? {}) as Event;
  return { input_tokens: num(stats.input_tokens), output_tokens: num(stats.output_tokens), cached_input_tokens: num(stats.cached), cost_usd: null };
}

function failureOf(r: Event | null, end: { stderr: string; exitCode: number | null }): CliFailure {
  const error = (r?.error ?? {}) as Event;
  const stderr = end.stderr.trim();
  const message = str(error.message) ?? (stderr.split('\n').filter((l) => !/^YOLO mode/.test(l)).slice(-3).join(' ') || `exited with code ${end.exitCode}`);
  const all = `${message}\n${r ? '' : stderr}`;
  if (/Invalid session identifier|No previous sessions found/.test(all)) return { kind: 'session_missing', message };
  if ((end.exitCode !== null && AUTH_EXITS.has(end.exitCode)) || /UNAUTHENTICATED|API_KEY_INVALID|API key not valid|Invalid auth method|GEMINI_API_KEY/.test(all)) {
    return { kind: 'auth', message };
  }
  if ((end.exitCode !== null && QUOTA_EXITS.has(end.exitCode)) || /RESOURCE_EXHAUSTED|exhausted|quota|overloaded|\b429\b/i.test(all)) {
    const after = /Suggested retry after (\d+)s|Please retry in ([\d.]+)s/.exec(all);
    return { kind: 'rate_limited', message, retryAfterS: after ? Math.ceil(Number(after[1] ?? after[2])) : null };
  }
  return { kind: 'error', message };
}

export const gemini: CliDialect = {
  type: 'gemini',
  product: 'Gemini CLI',
  defaultBin: 'gemini',
  npmPackage: '@google/gemini-cli',
  args({ config, sessionId }) {
    // Headless Gemini CLI offers its shell and file-writing tools only in yolo mode; runr's scope
    // guard checks every change it makes. The prompt comes on stdin (`-p ''` adds nothing to it).
    return [
      '-o', 'stream-json', '--approval-mode', 'yolo',
      ...(config.model ? ['-m', config.model] : []),
      ...(sessionId ? ['-r', sessionId] : []),
      '-p', '',
    ];
  },
  // Settings, sessions, history and project registry: $GEMINI_CLI_HOME/.gemini (else ~/.gemini).
  sandboxPaths: (env, home) => ({ dirs: [path.join(env.GEMINI_CLI_HOME || home, '.gemini')] }),
  reportsCost: false,
  createParser: () => new GeminiParser(),
  createActivityReader: geminiActivity,
  credentials: {
    envVars: () => ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    files: (env, home) => [path.join(env.GEMINI_CLI_HOME || home, '.gemini', 'oauth_creds.json')],
    login: 'run `gemini` once and choose "Login with Google"',
  },
  headlessHelp: { args: ['--help'], marker: '--output-format' },
};
