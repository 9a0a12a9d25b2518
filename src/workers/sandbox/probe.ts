import { spawnCollected } from '../../util/spawn-collected.js';
import { findExecutable } from '../../util/which.js';
import { BWRAP_BASE } from './bwrap-args.js';

export interface SandboxProbe {
  /** The working bubblewrap binary, or null. */
  bwrap: string | null;
  /** What was found, in one line. */
  reason: string;
  /** What would make it work (when it does not). */
  fix?: string;
}

export const INSTALL_FIX = 'Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap; Arch: pacman -S bubblewrap)';

/**
 * Whether bubblewrap can confine a process here: `bwrap` (or the program `RUNR_BWRAP` names) on PATH,
 * and a throw-away sandbox with every option runr uses starts. Linux only.
 */
export async function probeSandbox(env: NodeJS.ProcessEnv = process.env): Promise<SandboxProbe> {
  if (process.platform !== 'linux') {
    return { bwrap: null, reason: `bubblewrap confines workers on Linux only (this is ${process.platform})`, fix: 'Run runr on Linux for a sandbox, or set "sandbox": "off"' };
  }
  const name = env.RUNR_BWRAP || 'bwrap';
  const bwrap = findExecutable(name, env);
  if (!bwrap) return { bwrap: null, reason: `${name} was not found${name.includes('/') ? '' : ' on PATH'}`, fix: INSTALL_FIX };
  // Not execa: a run probes before its first journal event (util/spawn-collected.ts).
  const r = await spawnCollected(bwrap, [...BWRAP_BASE, 'true'], { env, timeoutMs: 10_000 });
  if (r.code === 0) return { bwrap, reason: `bubblewrap works (${bwrap})` };
  const why = (r.stderr || r.error || (r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`)).trim().split('\n')[0];
  return {
    bwrap: null,
    reason: `${bwrap} cannot create a sandbox here: ${why}`,
    fix: 'Allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns=0), or set "sandbox": "off"',
  };
}

