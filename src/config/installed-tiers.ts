import { missingPrograms } from '../verify/programs.js';
import { TIERS } from '../verify/run-tiers.js';
import type { Detection } from './detect.js';

/**
 * The detection with only the verification commands whose programs are installed: a command whose
 * program is missing would stop every run (verification_command_missing). Each one left out gets a note.
 */
export function keepInstalledTiers(d: Detection, env: Record<string, string | undefined>, repoRoot: string): Detection {
  const verification = { tier0: [] as string[], tier1: [] as string[], tier2: [] as string[] };
  const notes = [...d.notes];
  for (const tier of TIERS) {
    for (const command of d.verification[tier]) {
      const missing = missingPrograms(command, env, repoRoot);
      if (missing.length === 0) verification[tier].push(command);
      else {
        notes.push(`${missing.join(', ')} not found (not installed, or not on PATH): "${command}" left out of verification.${tier}; install it and add the command back (runr doctor checks it).`);
      }
    }
  }
  return { ...d, verification, notes };
}
