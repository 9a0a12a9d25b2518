/** Removes secrets from anything runr writes to disk (SPEC §10). */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;
const SECRET_SHAPES = [
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/g,
];

export const REDACTED = '[REDACTED]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Values of secret-looking environment variables (long enough not to redact common words). */
export function secretValues(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === 'string' && value.length >= 8)
    .map(([, value]) => value as string)
    .sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: string[] = secretValues(process.env)): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  for (const shape of SECRET_SHAPES) {
    out = out.replace(shape, (_match, prefix: unknown) => (typeof prefix === 'string' ? `${prefix}[REDACTED]` : '[REDACTED]'));
  }
  return out;
}

/** A parsed worker result with every string in it redacted (results are journaled and shown). */
export function redactValue<T>(value: T, secrets: string[] = secretValues(process.env)): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secrets)])) as T;
  }
  return value;
}
