import { runDoctor } from '../api/doctor.js';
import { EXIT } from '../contracts/exit-codes.js';
import { createOutput } from './render/output.js';

interface DoctorFlags { repo: string; config?: string; ping?: boolean; json?: boolean }

export default async function doctor(flags: DoctorFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  const report = await runDoctor({ repo: flags.repo, config: flags.config, ping: Boolean(flags.ping) });
  if (out.json) {
    out.data(report);
  } else {
    const c = out.colors;
    const mark = { ok: c.green('ok  '), warn: c.yellow('warn'), fail: c.red('fail') };
    for (const check of report.checks) {
      out.say(`${mark[check.status]}  ${check.name}: ${check.detail}`);
      if (check.fix) out.say(`      fix: ${check.fix}`);
    }
    out.say(report.ok ? c.green('Everything a run needs is in place.') : c.red('Some checks failed: fix them before starting a run.'));
    if (!flags.ping) out.say(c.dim('(workers were not called; "runr doctor --ping" makes one minimal, paid call per CLI worker)'));
  }
  return report.ok ? EXIT.ok : EXIT.checksFailed;
}
