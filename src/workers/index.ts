import type { WorkerConfig } from '../contracts/config.js';
import { VERSION } from '../version.js';
import { CommandWorker } from './command.js';
import type { WorkerAdapter } from './types.js';

export class WorkerUnavailableError extends Error {}

/** The adapter for a configured worker type. */
export function createWorker(config: WorkerConfig): WorkerAdapter {
  switch (config.type) {
    case 'command':
      return new CommandWorker(config);
    default:
      throw new WorkerUnavailableError(
        `worker type "${config.type}" is not supported by runr ${VERSION} yet; use a "command" worker (see docs/workers.md)`,
      );
  }
}
