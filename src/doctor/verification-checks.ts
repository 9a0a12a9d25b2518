import type { Config } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/outputs.js';
import { missingPrograms, programsOf } from '../verify/programs.js';
import { TIERS } from '../verify/run-tiers.js';

/** Every verification command's programs are installed: a missing one would stop a run with verification_command_missing. */
export function checkVerification(config: Config, repoRoot: string, configPath: string): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  for (const tier of TIERS) {
    for (const command of config.verification[tier]) {
      const name = `verification ${tier}: ${command}`;
      const programs = programsOf(command);
      const missing = missingPrograms(command, process.env, repoRoot);
      if (missing.length === 0) {
        checks.push({ name, status: 'ok', detail: programs.length ? `${programs.join(', ')} found` : 'no program to look up' });
      } else {
        checks.push({
          name, status: 'fail',
          detail: `${missing.join(', ')} not found (not installed, or not on PATH)`,
          fix: `Install ${missing.join(' and ')}, or change verification.${tier} in ${configPath}`,
        });
      }
    }
  }
  return checks;
}
