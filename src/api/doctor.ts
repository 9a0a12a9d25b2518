import type { DoctorOutput } from '../contracts/outputs.js';
import { runDoctor as runChecks } from '../doctor/run-doctor.js';

/** Checks that everything a run needs is in place (`runr doctor --json`); `ping` makes one real, minimal (paid) call per CLI worker. */
export async function runDoctor(opts: { repo: string; config?: string; ping?: boolean }): Promise<DoctorOutput> {
  return runChecks({ repo: opts.repo, config: opts.config, ping: opts.ping ?? false });
}
