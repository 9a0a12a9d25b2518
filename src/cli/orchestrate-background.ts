import { executePrepared } from '../api/orchestrations.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { exitCodeFor } from '../contracts/stop-reasons.js';
import { LEASE_TOKEN_ENV } from '../engine/detach.js';
import { resolveOrch } from '../orchestrate/locate.js';
import { OrchStore } from '../orchestrate/orch-store.js';
import { readLease } from '../store/lease.js';
import { resolveRepo } from './context.js';
import { withCancellation } from './signals.js';
import { testHooksFromEnv } from './test-hooks.js';

/** The background orchestrator behind `orchestrate run --detach`: it adopts the lease its parent took for it. */
export default async function orchestrateBackground(idArg: string, flags: { repo: string }): Promise<number> {
  const { orchDir } = resolveOrch(await resolveRepo(flags.repo), idArg);
  const token = process.env[LEASE_TOKEN_ENV];
  delete process.env[LEASE_TOKEN_ENV]; // workers inherit runr's environment; the token is not theirs
  if (!token || readLease(orchDir)?.token !== token) {
    throw new RunrError('locked', `orchestration ${idArg}: this process was not handed the orchestration's lease`, EXIT.locked);
  }
  const final = await withCancellation((signal) => executePrepared({ store: OrchStore.open(orchDir), leaseToken: token }, signal, testHooksFromEnv()));
  return exitCodeFor(final.stop_reason);
}
