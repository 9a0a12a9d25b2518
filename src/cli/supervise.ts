import { LEASE_TOKEN_ENV } from '../engine/detach.js';
import { RunrError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import { readLease } from '../store/lease.js';
import { RunStore } from '../engine/run-store.js';
import { resolveRunArg } from './context.js';
import { execute } from './execute.js';
import { createOutput } from './render/output.js';

/** The background executor behind --detach: it adopts the lease its parent took for it. */
export default async function superviseCommand(runIdArg: string, flags: { repo: string }): Promise<number> {
  const { runDir } = await resolveRunArg(flags.repo, runIdArg);
  const token = process.env[LEASE_TOKEN_ENV];
  delete process.env[LEASE_TOKEN_ENV]; // workers inherit runr's environment; the token is not theirs
  if (!token || readLease(runDir)?.token !== token) {
    throw new RunrError('locked', `run ${runIdArg}: this supervisor was not handed the run's lease`, EXIT.locked);
  }
  return execute(createOutput(false), RunStore.open(runDir), token, false);
}
