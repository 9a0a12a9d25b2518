import type { Config } from '../contracts/config.js';
import type { SandboxDecision, SandboxMode } from '../contracts/sandbox.js';
import { decideSandbox } from '../workers/sandbox/decide.js';
import { probeSandbox } from '../workers/sandbox/probe.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';

/**
 * The sandbox of one session (a start or a resume), probed once: where a mode is `required` and no
 * sandbox works, the session does not start.
 */
export async function sessionSandbox(config: Config, flag: SandboxMode | undefined): Promise<SandboxDecision> {
  const { decision, refusal } = decideSandbox(config, flag, await probeSandbox());
  if (refusal) throw new RunrError('sandbox_unavailable', refusal, EXIT.usage);
  return decision;
}
