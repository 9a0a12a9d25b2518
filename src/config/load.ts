import fs from 'node:fs';
import { ConfigSchema, type Config } from '../contracts/config.js';
import { unknownPresets } from '../guard/index.js';

export class ConfigError extends Error {}

/** Reads and validates a config file; every problem is reported with its JSON path. */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`No config at ${file}: run "runr init" to create one (or pass --config <path>)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '')); // editors on Windows may save a byte-order mark
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ConfigError(`${file} is invalid: ${problems.join('; ')}`);
  }
  const unknown = unknownPresets(parsed.data.scope.presets);
  if (unknown.length) throw new ConfigError(`${file} is invalid: scope.presets: unknown preset ${unknown.map((p) => `"${p}"`).join(', ')}`);
  return parsed.data;
}
