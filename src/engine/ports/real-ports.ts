import { integrityWatcher } from '../integrity/watch.js';
import { commitCheckpoint } from '../effects/checkpoint-commit.js';
import { checkScope } from '../effects/guard-check.js';
import { runVerificationTiers } from '../effects/verification-run.js';
import { callWorker } from '../effects/worker-call.js';
import { finalizeWorkspace, prepareWorkspace } from '../effects/workspace.js';
import { systemClock } from './clock.js';
import type { EnginePorts } from './ports.js';

/** The real world: git through its CLI, the configured worker CLIs, the verification commands, the system clock. */
export function realPorts(): EnginePorts {
  return {
    workers: { call: callWorker },
    verification: { run: runVerificationTiers },
    guard: { check: checkScope },
    git: {
      prepareWorkspace,
      checkpoint: commitCheckpoint,
      finalizeWorkspace,
      watchIntegrity: integrityWatcher(),
    },
    clock: systemClock,
  };
}
