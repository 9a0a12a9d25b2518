import path from 'node:path';
import { ActionFailures, lastLine } from './action-failures.js';
import { codexActivity } from './activity/codex.js';
import { num, parseJsonLine, str, type CliDialect, type CliFailure, type CliParser, type CliSummary } from './cli-dialect.js';
import { codexHome, codexProviderKeyVar } from './codex-config.js';
import { parseResetTime } from './reset-time.js';

/**
 * Codex headless: `codex exec --json`, one JSON event per line. `turn.completed` ends a call that
 * worked and `turn.failed` one that did not; top-level `error` lines also announce each retry, so
 * they are not failures by themselves. Usage is cumulative over a thread (see `cumulativeUsage`).
 */
type Event = Record<string, unknown>;

const AUTH = /\b40[13] (Unauthorized|Forbidden)\b|invalid_api_key|Incorrect API key|not logged in|log ?in again|token.*expired/i;
const QUOTA = /\b429\b|Too Many Requests|rate limit|usage limit|\b5(29|03)\b|overloaded/i;

class CodexParser implements CliParser {
  private threadId: string | null = null;
  private lastMessage: string | null = null;
  private completed: Event | null = null;
  private failed: string | null = null;
  private lastError: string | null = null;
  private authRetrying = false;
  private readonly actionFailures = new ActionFailures();

  line(line: string): void {
    const event = parseJsonLine(line);
    if (!event) return;
    const item = event.item as Event | undefined;
    switch (event.type) {
      case 'thread.started':
        this.threadId = str(event.thread_id) ?? this.threadId;
        break;
      case 'item.completed':
        if (item?.type === 'agent_message') this.lastMessage = str(item.text);
        else if (item) this.noteFailedAction(item);
        break;
      case 'turn.completed':
        this.completed = event;
        break;
      case 'turn.failed':
        this.failed = str((event.error as Event | undefined)?.message) ?? 'the turn failed';
        break;
      case 'error':
        this.lastError = str(event.message);
        // "Reconnecting... n/N (unexpected status 401 …)": refused credentials will not start working.
        if (this.lastError && /^Reconnecting/.test(this.lastError) && AUTH.test(this.lastError)) this.authRetrying = true;
        break;
      default:
        break;
    }
  }

  /** A file change Codex could not write (exit 0 all the same), a failed command or tool call. */
  private noteFailedAction(item: Event): void {
    const status = str(item.status);
    if (item.type === 'file_change' && status === 'failed') {
      const changes = Array.isArray(item.changes) ? (item.changes as Event[]) : [];
      const what = changes.map((c) => `${str(c.kind) ?? 'change'} ${str(c.path) ?? '?'}`).join(', ') || 'a patch';
      this.actionFailures.add(`file change failed: ${what}`);
    } else if (item.type === 'command_execution' && (status === 'failed' || status === 'declined' || (typeof item.exit_code === 'number' && item.exit_code !== 0))) {
      const how = status === 'declined' ? 'command declined' : `command failed${typeof item.exit_code === 'number' ? ` (exit ${item.exit_code})` : ''}`;
      const output = lastLine(str(item.aggregated_output) ?? '');
      this.actionFailures.add(`${how}: ${shellCommand(str(item.command) ?? '?')}${output ? ` — ${output}` : ''}`);
    } else if (item.type === 'mcp_tool_call' && status === 'failed') {
      const error = str((item.error as Event | undefined)?.message);
      this.actionFailures.add(`tool call failed: ${str(item.server) ?? '?'}/${str(item.tool) ?? '?'}${error ? ` — ${error}` : ''}`);
    }
  }

  finished(): boolean {
    return this.completed !== null || this.failed !== null;
  }

  shouldAbort(): boolean {
    return this.authRetrying;
  }

  summary(end: { stderr: string; exitCode: number | null }): CliSummary {
    const usage = this.completed ? usageOf(this.completed) : null;
    const actionFailures = this.actionFailures.list();
    if (this.completed) return { text: this.lastMessage, sessionId: this.threadId, usage, failure: null, actionFailures };
    const message = this.failed ?? this.lastError ?? lastLines(end.stderr) ?? `exited with code ${end.exitCode} before the turn ended`;
    return { text: null, sessionId: this.threadId, usage, failure: classify(message, this.authRetrying), actionFailures };
  }
}

function classify(message: string, authRetrying: boolean): CliFailure {
  if (/no rollout found for thread id/.test(message)) return { kind: 'session_missing', message };
  if (authRetrying || AUTH.test(message)) return { kind: 'auth', message };
  if (QUOTA.test(message)) {
    if (/usage limit/i.test(message)) return { kind: 'rate_limited', message, retryAt: parseResetTime(message, new Date())?.toISOString() ?? null };
    const inSeconds = /try again in ([\d.]+)\s*s/i.exec(message);
    return { kind: 'rate_limited', message, retryAfterS: inSeconds ? Math.ceil(Number(inSeconds[1])) : null };
  }
  return { kind: 'error', message };
}

function usageOf(event: Event): CliSummary['usage'] {
  const u = (event.usage ?? {}) as Event;
  return { input_tokens: num(u.input_tokens), output_tokens: num(u.output_tokens), cached_input_tokens: num(u.cached_input_tokens), cost_usd: null };
}

/** The command as the agent wrote it, without the shell Codex wraps it in. */
function shellCommand(command: string): string {
  const m = /^\S*\/(?:ba|z)?sh -lc (.*)$/s.exec(command);
  if (!m?.[1]) return command;
  const inner = m[1];
  return /^'.*'$/s.test(inner) ? inner.slice(1, -1).replace(/'\\''/g, "'") : /^".*"$/s.test(inner) ? inner.slice(1, -1) : inner;
}

function lastLines(stderr: string): string | null {
  const lines = stderr.trim().split('\n').filter((l) => l && !/^(WARNING: proceeding|Reading prompt from stdin|Stack backtrace|\s+\d+:|\s+at )/.test(l));
  return lines.length ? lines.slice(-2).join(' ') : null;
}

export const codex: CliDialect = {
  type: 'codex',
  product: 'Codex',
  defaultBin: 'codex',
  npmPackage: '@openai/codex',
  args({ config, sessionId, sandboxed }) {
    // workspace-write: edits and commands in the worktree, nothing outside it. Inside runr's sandbox,
    // Codex's own (bubblewrap again, nested) cannot start and every write would fail: runr's confines
    // it instead. `exec resume` does not remember the sandbox, so it is given again.
    const skip = config.skip_permissions;
    const model = config.model ? ['-m', config.model] : [];
    const mode = sandboxed ? 'danger-full-access' : 'workspace-write';
    if (sessionId) {
      const sandbox = skip ? ['--dangerously-bypass-approvals-and-sandbox'] : ['-c', `sandbox_mode="${mode}"`];
      return ['exec', 'resume', '--json', '--skip-git-repo-check', ...sandbox, ...model, sessionId, '-'];
    }
    const sandbox = skip ? ['--dangerously-bypass-approvals-and-sandbox'] : ['--sandbox', mode];
    return ['exec', '--json', '--skip-git-repo-check', ...sandbox, ...model, '-'];
  },
  // Config, auth, sessions, logs and the helper binaries it unpacks all live in CODEX_HOME.
  sandboxPaths: (env) => ({ dirs: [codexHome(env)] }),
  reportsCost: false,
  createParser: () => new CodexParser(),
  createActivityReader: () => codexActivity(shellCommand),
  // SIGINT makes Codex end the commands it started (they run in sessions of their own) and exit.
  stopSignal: 'SIGINT',
  cumulativeUsage: true,
  credentials: {
    // A custom model provider in config.toml reads its key from its own env var.
    envVars: (env) => [codexProviderKeyVar(env) ?? 'CODEX_API_KEY'],
    files: (env) => [path.join(codexHome(env), 'auth.json')],
    login: 'run `codex login`',
  },
  headlessHelp: { args: ['exec', '--help'], marker: '--json' },
  ownSandbox: {
    name: 'workspace-write sandbox',
    probeArgs: (command) => ['sandbox', '-c', 'sandbox_mode="workspace-write"', '--', ...command],
  },
};
