import path from 'node:path';
import { ActionFailures, oneLine } from './action-failures.js';
import { claudeActivity } from './activity/claude.js';
import { num, parseJsonLine, str, type CliDialect, type CliFailure, type CliParser, type CliSummary } from './cli-dialect.js';

/**
 * Claude Code headless: `claude -p --output-format stream-json --verbose`, one JSON event per line.
 * The `result` event ends a call. API failures also end in a `result` (with `subtype: "success"`),
 * so success is `is_error === false`, never the subtype.
 */
type Event = Record<string, unknown>;

/** Failed tool results kept before the result event says which were refusals (the list shown is shorter still). */
const MAX_TOOL_ERRORS = 100;
const QUOTA_TYPES = new Set(['rate_limit_error', 'overloaded_error']);
const AUTH_TYPES = new Set(['authentication_error', 'permission_error']);
/** Without any credentials Claude Code fails before calling the API, with no status. */
const NOT_LOGGED_IN = /Not logged in|Please run \/login|Invalid API key/i;

class ClaudeParser implements CliParser {
  private result: Event | null = null;
  private sessionId: string | null = null;
  /** The last `system/api_retry` event: the CLI's own retry delay honours retry-after. */
  private lastRetry: { status: number | null; delayMs: number; error: string | null } | null = null;
  /** `rate_limit_event` with status "rejected": a usage limit, with its reset time (epoch seconds). */
  private resetsAt: number | null = null;
  private authRetrying = false;
  /** Tool calls by id, described in a few words ("Bash npm test"), to name the tool of a failed result. */
  private readonly toolCalls = new Map<string, string>();
  /** tool_result blocks with is_error, in order, each cut to one short line (a bounded number of them). */
  private readonly toolErrors: { id: string; text: string }[] = [];

  line(line: string): void {
    const event = parseJsonLine(line);
    if (!event) return;
    this.sessionId = str(event.session_id) ?? this.sessionId;
    if (event.type === 'result') this.result = event;
    if (event.type === 'assistant' || event.type === 'user') this.noteToolBlocks(event);
    if (event.type === 'system' && event.subtype === 'api_retry') {
      const status = typeof event.error_status === 'number' ? event.error_status : null;
      this.lastRetry = { status, delayMs: num(event.retry_delay_ms), error: str(event.error) };
      // The CLI retries refused credentials for minutes; they will not start working meanwhile.
      if (status === 401 || event.error === 'authentication_failed') this.authRetrying = true;
    }
    if (event.type === 'rate_limit_event') {
      const info = event.rate_limit_info as Event | undefined;
      if (info?.status === 'rejected' && typeof info.resetsAt === 'number') this.resetsAt = info.resetsAt;
    }
  }

  private noteToolBlocks(event: Event): void {
    const content = (event.message as Event | undefined)?.content;
    if (!Array.isArray(content)) return;
    for (const block of content as Event[]) {
      if (block.type === 'tool_use' && typeof block.id === 'string') this.toolCalls.set(block.id, `${str(block.name) ?? 'tool'} ${describeInput(block.input)}`);
      if (block.type === 'tool_result' && block.is_error === true && this.toolErrors.length < MAX_TOOL_ERRORS) {
        this.toolErrors.push({ id: str(block.tool_use_id) ?? '', text: oneLine(blockText(block.content)) });
      }
    }
  }

  /** Tool calls refused for lack of permission, then tool calls that failed (a refusal is also an error result: said once). */
  private actionFailures(r: Event | null): string[] {
    const failures = new ActionFailures();
    const denials = Array.isArray(r?.permission_denials) ? (r.permission_denials as Event[]) : [];
    const denied = new Set(denials.map((d) => str(d.tool_use_id)).filter(Boolean));
    for (const d of denials) failures.add(`permission denied: ${str(d.tool_name) ?? 'tool'} ${describeInput(d.tool_input)}`);
    for (const e of this.toolErrors) {
      if (denied.has(e.id)) continue;
      failures.add(`${this.toolCalls.get(e.id) ?? 'a tool call'} failed: ${e.text || 'error'}`);
    }
    return failures.list();
  }

  finished(): boolean {
    return this.result !== null;
  }

  shouldAbort(): boolean {
    return this.authRetrying;
  }

  summary(end: { stderr: string; exitCode: number | null }): CliSummary {
    const r = this.result;
    if (!r) return { text: null, sessionId: this.sessionId, usage: null, failure: this.failureWithoutResult(end), actionFailures: this.actionFailures(null) };
    return {
      text: r.is_error === false ? str(r.result) : null,
      sessionId: str(r.session_id) ?? this.sessionId,
      usage: usageOf(r),
      failure: r.is_error === false ? null : this.failureOf(r),
      actionFailures: this.actionFailures(r),
    };
  }

  private failureWithoutResult(end: { stderr: string; exitCode: number | null }): CliFailure | null {
    if (this.authRetrying) return { kind: 'auth', message: 'the API refused the credentials (HTTP 401)' };
    const stderr = end.stderr.trim();
    if (/No conversation found with session ID/.test(stderr)) return { kind: 'session_missing', message: stderr };
    return stderr && end.exitCode !== 0 ? { kind: 'error', message: stderr.split('\n').slice(-3).join(' ') } : null;
  }

  private failureOf(r: Event): CliFailure {
    const message = str(r.result) ?? (Array.isArray(r.errors) ? r.errors.join('; ') : null) ?? `failed (${str(r.subtype) ?? 'error'})`;
    const status = typeof r.api_error_status === 'number' ? r.api_error_status : null;
    const type = str(r.api_error_type);
    if (r.subtype === 'error_during_execution' && /No conversation found/.test(message)) return { kind: 'session_missing', message };
    if (r.api_error === 'usage_limit_reached' || this.resetsAt !== null) {
      return { kind: 'rate_limited', message, retryAt: this.resetsAt !== null ? new Date(this.resetsAt * 1000).toISOString() : null };
    }
    if (status === 429 || status === 529 || (type !== null && QUOTA_TYPES.has(type))) {
      const delay = this.lastRetry && this.lastRetry.status === status ? this.lastRetry.delayMs / 1000 : null;
      return { kind: 'rate_limited', message, retryAfterS: delay };
    }
    if (status === 401 || status === 403 || (type !== null && AUTH_TYPES.has(type)) || NOT_LOGGED_IN.test(message)) return { kind: 'auth', message };
    return { kind: 'error', message };
  }
}

/** What a tool call was about: its command or file when it names one, else its input, cut short. */
function describeInput(input: unknown): string {
  const i = (input ?? {}) as Event;
  const named = str(i.command) ?? str(i.file_path) ?? str(i.path) ?? str(i.pattern) ?? str(i.url);
  return oneLine(named ?? JSON.stringify(input ?? {}), 120);
}

/** A tool_result's content: a string, or text blocks. */
function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Event[]).map((b) => str(b.text) ?? '').join('\n');
}

/** Tokens of this call. On `--resume`, `total_cost_usd` covers the whole session: the per-call cost is `model_usage_since_last_result`. */
function usageOf(r: Event): CliSummary['usage'] {
  const u = (r.usage ?? {}) as Event;
  const cacheRead = num(u.cache_read_input_tokens);
  const sinceLast = r.model_usage_since_last_result as Record<string, Event> | undefined;
  let cost: number | null = typeof r.total_cost_usd === 'number' ? r.total_cost_usd : null;
  if (sinceLast && typeof sinceLast === 'object' && Object.keys(sinceLast).length) {
    cost = Object.values(sinceLast).reduce((sum, m) => sum + num(m.costUSD), 0);
  }
  return {
    input_tokens: num(u.input_tokens) + num(u.cache_creation_input_tokens) + cacheRead,
    output_tokens: num(u.output_tokens),
    cached_input_tokens: cacheRead,
    cost_usd: cost,
  };
}

export const claude: CliDialect = {
  type: 'claude',
  product: 'Claude Code',
  defaultBin: 'claude',
  npmPackage: '@anthropic-ai/claude-code',
  args({ config, sessionId }) {
    // acceptEdits lets it edit the worktree; Bash must be allowed by name for shell commands to run
    // unattended. --dangerously-skip-permissions only on request (and as root it needs IS_SANDBOX=1).
    const permissions = config.skip_permissions
      ? ['--dangerously-skip-permissions']
      : ['--allowedTools', 'Bash', '--permission-mode', 'acceptEdits'];
    return [
      ...permissions,
      '-p', '--output-format', 'stream-json', '--verbose',
      ...(config.model ? ['--model', config.model] : []),
      ...(sessionId ? ['--resume', sessionId] : []),
    ];
  },
  // Its config dir (sessions, credentials, settings). Without CLAUDE_CONFIG_DIR it also keeps
  // ~/.claude.json, which it rewrites by a rename in HOME: that stays read-only, so those updates
  // (counters, caches) are dropped in the sandbox; the call works regardless (docs/workers.md).
  sandboxPaths: (env, home) => ({
    dirs: [env.CLAUDE_CONFIG_DIR || path.join(home, '.claude'), ...(env.CLAUDE_CODE_TMPDIR ? [env.CLAUDE_CODE_TMPDIR] : [])],
    files: env.CLAUDE_CONFIG_DIR ? [] : [path.join(home, '.claude.json')],
  }),
  reportsCost: true,
  createParser: () => new ClaudeParser(),
  createActivityReader: claudeActivity,
  credentials: {
    envVars: () => ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN'],
    files: (env, home) => [path.join(env.CLAUDE_CONFIG_DIR || path.join(home, '.claude'), '.credentials.json')],
    login: 'run `claude` once and log in with /login',
  },
  headlessHelp: { args: ['--help'], marker: '--output-format' },
};
