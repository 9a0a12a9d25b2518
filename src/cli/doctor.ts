import { runDoctor } from '../api/doctor.js';
import { EXIT } from '../contracts/exit-codes.js';
import { createOutput } from './render/output.js';
import { paint } from './render/symbols.js';

interface DoctorFlags { repo: string; config?: string; ping?: boolean; json?: boolean }

export default async function doctor(flags: DoctorFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const report = await runDoctor({ repo: flags.repo, config: flags.config, ping: Boolean(flags.ping) });
  if (out.json) {
    out.data(report);
  } else {
    const c = out.colors;
    const word = { ok: paint(c, 'ok', 'ok  '), warn: paint(c, 'warning', 'warn'), fail: paint(c, 'failed', 'fail') };
    for (const check of report.checks) {
      out.say(`${word[check.status]}  ${check.name}: ${check.detail}`);
      if (check.fix) out.say(`      fix: ${check.fix}`);
    }
    out.say(report.ok ? paint(c, 'ok', 'Everything a run needs is in place.') : paint(c, 'failed', 'Some checks failed: fix them before starting a run.'));
    if (!flags.ping) out.say(c.dim('(workers were not called; "runr doctor --ping" makes one minimal, paid call per CLI worker)'));
  }
  return report.ok ? EXIT.ok : EXIT.checksFailed;
}
