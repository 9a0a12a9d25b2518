import { DEFAULT_WORKERS, WORKER_ROLES, type Config, type WorkerConfig } from '../../contracts/config.js';
import type { SandboxDecision, SandboxMode } from '../../contracts/sandbox.js';
import type { SandboxProbe } from './probe.js';

/** The run's mode (verification runs under it): `--sandbox`, else the config's, else auto. */
export const runSandboxMode = (config: Config, flag?: SandboxMode): SandboxMode => flag ?? config.sandbox ?? 'auto';

/** A worker's mode: `--sandbox`, else the worker's own, else the run's. */
export const workerSandboxMode = (config: Config, worker: WorkerConfig, flag?: SandboxMode): SandboxMode =>
  flag ?? worker.sandbox ?? config.sandbox ?? 'auto';

export interface SessionSandbox {
  decision: SandboxDecision;
  /** Why the session must not start (a mode is `required` and there is no working sandbox), with the fix. */
  refusal: string | null;
}

/** What one session (a start or a resume) does about the sandbox, given what the probe found. */
export function decideSandbox(config: Config, flag: SandboxMode | undefined, probe: SandboxProbe): SessionSandbox {
  const mode = runSandboxMode(config, flag);
  const roleModes = WORKER_ROLES.map((role) => [role, workerSandboxMode(config, config.workers[role] ?? DEFAULT_WORKERS[role], flag)] as const);
  const works = probe.bwrap !== null;
  const workers = Object.fromEntries(roleModes.map(([role, m]) => [role, works && m !== 'off']));
  const off = flag ? '--sandbox off' : '"sandbox": "off" in the config';
  const decision: SandboxDecision = {
    mode,
    active: works && mode !== 'off',
    reason: mode !== 'off' ? (works ? probe.reason : `running unconfined: ${probe.reason}`)
      : WORKER_ROLES.some((r) => workers[r]) ? `${off}: verification runs unconfined` : `${off}: workers and verification run unconfined`,
    bwrap: probe.bwrap,
    workers,
  };
  const needs = flag
    ? (flag === 'required' ? ['--sandbox required'] : [])
    : [
        ...(config.sandbox === 'required' ? ['"sandbox": "required"'] : []),
        ...WORKER_ROLES.filter((role) => config.workers[role]?.sandbox === 'required').map((role) => `workers.${role}.sandbox: "required"`),
      ];
  const refusal = !works && needs.length ? `The sandbox is required (${needs.join(', ')}) but ${probe.reason}. ${probe.fix ?? ''}`.trim() : null;
  return { decision, refusal };
}
