import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliWorkerConfig } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/outputs.js';
import type { CliDialect } from '../workers/cli-dialect.js';

const PROBE_TIMEOUT_MS = 20_000;

/**
 * Can the CLI's own sandbox write in a workspace? Runs a one-line file write inside it, in a temporary
 * directory, without any model call. It matters where runr does not confine the worker itself: there,
 * the CLI's sandbox is what every file change of a run goes through.
 */
export async function checkOwnSandbox(
  label: string, dialect: CliDialect, config: CliWorkerConfig, env: NodeJS.ProcessEnv, confinedByRunr: boolean,
): Promise<DoctorCheck | null> {
  const own = dialect.ownSandbox;
  if (!own) return null;
  const name = `${label}: own sandbox`;
  if (config.skip_permissions) {
    return { name, status: 'ok', detail: `not used: "skip_permissions" turns ${dialect.product}'s ${own.name} off` };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runr-doctor-sandbox-'));
  try {
    const probe = path.join(dir, 'probe.txt');
    const file = config.bin ?? dialect.defaultBin;
    const r = await execa(file, own.probeArgs(['sh', '-c', 'echo ok > "$1"', 'sh', probe]), {
      cwd: dir, env, reject: false, timeout: PROBE_TIMEOUT_MS, stdin: 'ignore', all: true,
    });
    const wrote = fs.existsSync(probe) && fs.readFileSync(probe, 'utf8').trim() === 'ok';
    if (wrote) {
      return {
        name, status: 'ok',
        detail: confinedByRunr
          ? `${dialect.product}'s ${own.name} can write in a workspace (not used here: runr confines ${dialect.product} itself and runs it with danger-full-access inside)`
          : `${dialect.product}'s ${own.name} can write in a workspace (runs use it: runr's sandbox is not active for this worker)`,
      };
    }
    const why = lastLine(r.all ?? '') || `exit code ${r.exitCode ?? 'none'}`;
    const userns = 'allow unprivileged user namespaces, which it needs (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 and later also kernel.apparmor_restrict_unprivileged_userns=0)';
    return confinedByRunr
      ? {
        name, status: 'warn',
        detail: `${dialect.product}'s ${own.name} cannot write in a workspace (${why}); runs here do not use it, since runr confines ${dialect.product} itself, but with runr's sandbox off every file change would fail`,
        fix: `Nothing to change while runr's sandbox works; for ${dialect.product}'s own sandbox, ${userns}`,
      }
      : {
        name, status: 'fail',
        detail: `${dialect.product}'s ${own.name} cannot write in a workspace (${why}): every file change ${dialect.product} makes in a run would fail`,
        fix: `Let runr confine ${dialect.product} itself (install bubblewrap, keep "sandbox" auto or required: ${dialect.product} then runs with danger-full-access inside runr's sandbox), or ${userns}`,
      };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim()).at(-1)?.trim() ?? '';
}
