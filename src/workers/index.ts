import { ROLE_OF_PHASE, workerFor, type Config, type WorkerConfig } from '../contracts/config.js';
import { WORKER_PHASES } from '../contracts/phases.js';
import { VERSION } from '../version.js';
import { CliWorker } from './cli-worker.js';
import { CommandWorker } from './command.js';
import { DIALECTS } from './dialects.js';
import type { WorkerAdapter } from './types.js';

export class WorkerUnavailableError extends Error {}

/** The adapter for a configured worker type. */
export function createWorker(config: WorkerConfig): WorkerAdapter {
  if (config.type === 'command') return new CommandWorker(config);
  const dialect = DIALECTS[config.type];
  if (!dialect) throw new WorkerUnavailableError(`worker type "${config.type}" is not supported by runr ${VERSION}`);
  return new CliWorker(dialect, config);
}

/** Roles whose worker reports no cost and has no `price`: `--budget-usd` cannot count their calls. */
export function unpricedRoles(config: Config): string[] {
  return WORKER_PHASES.flatMap((phase) => {
    const worker = workerFor(config, phase);
    const unpriced = worker.type !== 'command' && !DIALECTS[worker.type].reportsCost && !worker.price;
    return unpriced ? [`${ROLE_OF_PHASE[phase]} (${worker.type})`] : [];
  });
}
