import fs from 'node:fs';

/**
 * What counts as a secret, for everything runr writes (SPEC §10) and for the secret-in-diff guard:
 * the values of the environment's secret-looking variables, and well-known token shapes.
 */

/** Environment variable names whose values are secrets. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;

export interface SecretShape {
  /** What it is, in words (the guard names it; the secret itself is never printed). */
  name: string;
  pattern: RegExp;
  /** Group 1 is context kept in the text (`Bearer `, `aws_secret_access_key = `), not part of the secret. */
  keepsPrefix?: boolean;
  /** Too generic to stop a run over when it appears in a diff (it is still redacted). */
  redactOnly?: boolean;
}

/**
 * Every pattern is global, with no nested quantifiers and every lazy span bounded (a key block is at
 * most 16 KiB), so that a huge input costs one linear pass.
 */
export const SECRET_SHAPES: readonly SecretShape[] = [
  { name: 'private key', pattern: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----(?:[\s\S]{0,16384}?-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|[A-Za-z0-9+/=:,\s-]*)/g },
  { name: 'Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9_-]{16,}/g },
  { name: 'OpenAI API key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}/g },
  { name: 'GitHub token', pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g },
  { name: 'Slack token', pattern: /\bxox[abeposr]-[A-Za-z0-9-]{10,}/g },
  { name: 'Slack webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,}/g },
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'AWS secret access key', pattern: /(\baws_?secret_?(?:access_?)?key["']?\s{0,20}[:=]\s{0,20}["']?)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi, keepsPrefix: true },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{30,}/g },
  { name: 'Stripe key', pattern: /\b[rs]k_live_[A-Za-z0-9]{20,}/g },
  { name: 'bearer token', pattern: /(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/g, keepsPrefix: true, redactOnly: true },
  // A private key's body lines on their own (a block printed across two output chunks): PEM lines are 64 wide.
  // Upper and lower case both: never a hex digest (a sha256 is 64 characters too).
  { name: 'private key line', pattern: /^(?=[^\n]*[A-Z])(?=[^\n]*[a-z])[A-Za-z0-9+/]{64,76}={0,2}$/gm, redactOnly: true },
];

export const REDACTED = '[REDACTED]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A value that names an existing file or directory is a path (XAUTHORITY, SSH_AUTH_SOCK), not a secret. */
function isPath(value: string): boolean {
  return /^\/\S*$/.test(value) && fs.existsSync(value);
}

/** Values of secret-looking environment variables (long enough not to redact common words), longest first. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === 'string' && value.length >= 8 && !isPath(value))
    .map(([, value]) => value as string)
    .sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: string[] = secretValues(process.env)): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const { pattern, keepsPrefix } of SECRET_SHAPES) {
    out = out.replace(pattern, (...m: string[]) => (keepsPrefix ? `${m[1] ?? ''}${REDACTED}` : REDACTED));
  }
  return out;
}

/** A value (a parsed worker result, a journal event) with every string in it redacted. */
export function redactValue<T>(value: T, secrets: string[] = secretValues(process.env)): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secrets)])) as T;
  }
  return value;
}

/** A secret-shaped string found in a text: where it starts and ends, and what it looks like. */
export interface SecretMatch {
  index: number;
  end: number;
  shape: string;
  text: string;
}

/** The private-key shape for scanning: its header alone is enough (the block may not fit one window). */
const PRIVATE_KEY_HEADER = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;

/** Secret shapes in `text` that would stop a run when a diff adds them (not the generic ones). */
export function findSecretShapes(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  for (const shape of SECRET_SHAPES) {
    if (shape.redactOnly) continue;
    const pattern = shape.name === 'private key' ? PRIVATE_KEY_HEADER : shape.pattern;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const start = m.index + (shape.keepsPrefix ? (m[1]?.length ?? 0) : 0);
      found.push({ index: start, end: m.index + m[0].length, shape: shape.name, text: text.slice(start, m.index + m[0].length) });
      if (m[0].length === 0) pattern.lastIndex++;
    }
  }
  // Sorted by start (stable: the more specific shape first); a match inside an earlier one is the same secret.
  let end = -1;
  return found.sort((a, b) => a.index - b.index).filter((m) => {
    if (m.index < end) return false;
    end = m.end;
    return true;
  });
}
