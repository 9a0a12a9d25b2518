/** Environment and home setup for running the real `claude` CLI against the fake Anthropic API. */
import fs from 'node:fs';
import path from 'node:path';
import type { Reply } from './model.js';

export interface ClaudeEnvOptions {
  /**
   * 'apiKey' (default): ANTHROPIC_API_KEY; the CLI prices tokens into `total_cost_usd` and ignores
   * `anthropic-ratelimit-unified-*` headers. 'oauth': CLAUDE_CODE_OAUTH_TOKEN (a claude.ai
   * subscription login); needed for usage-limit replies (`usageLimitReply`) and
   * `rate_limit_event` lines. The default model differs per auth, so pass `--model`.
   */
  auth?: 'apiKey' | 'oauth';
  /** Sets CLAUDE_CODE_MAX_RETRIES (the CLI's default is 10 retries, about 3 minutes of backoff). */
  maxRetries?: number;
}

/**
 * Env for a `claude -p` run against `serverUrl`, all state under `home`, no background traffic.
 * Merge it over a minimal base env (PATH...); do not inherit a developer's ANTHROPIC_* / CLAUDE_* vars.
 */
export function claudeTestEnv(serverUrl: string, home: string, options: ClaudeEnvOptions = {}): Record<string, string> {
  const env: Record<string, string> = {
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    // Scratch files (task output, fs-watch probes) otherwise go to $TMPDIR/claude-<uid>/.
    CLAUDE_CODE_TMPDIR: path.join(home, 'tmp'),
    ANTHROPIC_BASE_URL: serverUrl,
    // This one switch stops the bootstrap / feature-flag / MCP-registry fetches, 1P event logging,
    // error reporting and update checks (all to api.anthropic.com); the rest are belt and braces.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_UPDATES: '1',
    DISABLE_COST_WARNINGS: '1',
    DISABLE_GROWTHBOOK: '1',
    DISABLE_INSTALLATION_CHECKS: '1',
    DO_NOT_TRACK: '1',
    CLAUDE_CODE_ENABLE_TELEMETRY: '0',
    CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
    CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
    CLAUDE_CODE_DISABLE_AUTO_MEMORY: '1',
    // As root, --dangerously-skip-permissions / bypassPermissions exit 1 unless IS_SANDBOX=1.
    IS_SANDBOX: '1',
    NO_COLOR: '1',
  };
  if (options.auth === 'oauth') env.CLAUDE_CODE_OAUTH_TOKEN = 'sk-ant-oat01-fake-token';
  else env.ANTHROPIC_API_KEY = 'sk-ant-api03-fake-key';
  if (options.maxRetries !== undefined) env.CLAUDE_CODE_MAX_RETRIES = String(options.maxRetries);
  return env;
}

/** Pre-creates the config the CLI would otherwise create on first start. Optional. */
export function prepareClaudeHome(home: string, _serverUrl?: string): void {
  fs.mkdirSync(path.join(home, '.claude'), { recursive: true });
  fs.mkdirSync(path.join(home, 'tmp'), { recursive: true });
  const configFile = path.join(home, '.claude', '.claude.json');
  if (!fs.existsSync(configFile)) {
    fs.writeFileSync(configFile, `${JSON.stringify({ hasCompletedOnboarding: true }, null, 2)}\n`);
  }
}

/**
 * A 429 that Claude Code reads as an exhausted subscription usage limit resetting at `resetsAt`
 * (only with `auth: 'oauth'`; with an API key it is an ordinary, retried 429). The CLI does not
 * retry it: it prints a `rate_limit_event` (status "rejected", resetsAt in epoch seconds) and a
 * result with `api_error: "usage_limit_reached"`, then exits 1.
 */
export function usageLimitReply(resetsAt: Date, window: 'five_hour' | 'seven_day' = 'five_hour'): Reply {
  const epoch = String(Math.round(resetsAt.getTime() / 1000));
  return {
    kind: 'http_error',
    status: 429,
    headers: {
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-reset': epoch,
      'anthropic-ratelimit-unified-representative-claim': window,
    },
    body: { type: 'error', error: { type: 'rate_limit_error', message: 'Usage limit reached' } },
  };
}
