import path from 'node:path';
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

  finished(): boolean {
    return this.completed !== null || this.failed !== null;
  }

  shouldAbort(): boolean {
    return this.authRetrying;
  }

  summary(end: { stderr: string; exitCode: number | null }): CliSummary {
    const usage = this.completed ? usageOf(this.completed) : null;
    if (this.completed) return { text: this.lastMessage, sessionId: this.threadId, usage, failure: null };
    const message = this.failed ?? this.lastError ?? lastLines(end.stderr) ?? `exited with code ${end.exitCode} before the turn ended`;
    return { text: null, sessionId: this.threadId, usage, failure: classify(message, this.authRetrying) };
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
