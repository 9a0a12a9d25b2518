import type { ViolationRule } from '../contracts/violations.js';
import type { Violation } from './scope.js';

const RULE_WORDS: Record<ViolationRule, string> = {
  outside_allowlist: 'outside scope.allowlist',
  denylist: 'in scope.denylist',
  always_denied: 'never allowed (.git/, .runr/, .env files, names git refuses, nested repositories)',
  lockfile: 'a lockfile (allowed only with --allow-deps)',
  protected: 'protected by scope.protect',
  symlink_escape: 'a symlink that leads outside the worktree',
  symlink_to_denied: 'a symlink that leads to a denied or protected path',
  secret: 'adds a secret-shaped string',
};

function describe(v: Violation): string {
  if (v.rule !== 'secret') return `${v.path} (${RULE_WORDS[v.rule]})`;
  return `${v.path}:${v.line ?? '?'} (${RULE_WORDS.secret}${v.shape ? `: ${v.shape}` : ''}; remove it, or list the file in scope.secrets_allow)`;
}

/** "path (why it is blocked)", for stop details and the human report. */
export function describeViolations(violations: Violation[]): string {
  return violations.map(describe).join(', ');
}
