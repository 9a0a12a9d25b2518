/** Removes secrets from anything runr writes to disk (SPEC §10): see util/secrets.ts, where the shapes live. */
export { isSecretName, REDACTED, redact, redactValue, secretValues } from '../util/secrets.js';
