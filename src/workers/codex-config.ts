import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Codex's own config directory: $CODEX_HOME, else ~/.codex. */
export function codexHome(env: NodeJS.ProcessEnv): string {
  return env.CODEX_HOME || path.join(env.HOME || os.homedir(), '.codex');
}

/**
 * The env var holding the API key when Codex's config.toml selects a custom model provider
 * (`model_provider = "x"` with `[model_providers.x] env_key = "…"`); null for the built-in provider,
 * which reads CODEX_API_KEY. A line-based read of just those keys (profiles and -c overrides aside).
 */
export function codexProviderKeyVar(env: NodeJS.ProcessEnv): string | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(codexHome(env), 'config.toml'), 'utf8');
  } catch {
    return null;
  }
  let section = '';
  let id: string | null = null;
  const envKeys = new Map<string, string>();
  for (const line of text.split('\n')) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const kv = /^\s*([A-Za-z_]+)\s*=\s*"([^"]*)"/.exec(line);
    if (!kv) continue;
    if (!section && kv[1] === 'model_provider') id = kv[2]!;
    const provider = /^model_providers\.(?:"([^"]+)"|([\w-]+))$/.exec(section);
    if (provider && kv[1] === 'env_key') envKeys.set(provider[1] ?? provider[2]!, kv[2]!);
  }
  return (id && envKeys.get(id)) || null;
}
