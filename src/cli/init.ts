import path from 'node:path';
import { createDemo, initRepo, planInit } from '../api/setup.js';
import { EXIT } from '../contracts/exit-codes.js';
import { resolveRepo } from './context.js';
import { createOutput } from './render/output.js';

interface InitFlags { repo: string; print?: boolean; force?: boolean; interactive?: boolean; demo?: boolean; json?: boolean }

export default async function init(flags: InitFlags): Promise<number> {
  const out = createOutput(Boolean(flags.json));
  if (flags.interactive) {
    out.say('The interactive setup wizard is coming soon. For now run "runr init" (add --print to preview) and edit .runr/runr.config.json.');
    return EXIT.ok;
  }
  if (flags.demo) {
    const { dir, taskPath } = await createDemo(flags.repo);
    const rel = path.relative(dir, taskPath);
    if (out.json) out.data({ demo_dir: dir, task: taskPath, command: `runr run --repo ${dir} --task ${taskPath} --worktree` });
    else {
      out.say(`Created the runr demo in ${dir} (a git repo with a tiny Node project and a scripted, offline agent).`);
      out.say(`Run it:  cd ${dir} && runr run --task ${rel} --worktree`);
    }
    return EXIT.ok;
  }
  if (flags.print) {
    const plan = await planInit(flags.repo);
    out.data(out.json ? { config_path: plan.configPath, config: plan.config, written: false, detected: plan.detection } : plan.config);
    for (const note of plan.detection.notes) out.note(`note: ${note}`);
    return EXIT.ok;
  }
  const repoRoot = await resolveRepo(flags.repo);
  const { plan, written } = await initRepo(repoRoot, { force: Boolean(flags.force) });
  if (out.json) {
    out.data({ config_path: plan.configPath, config: plan.config, written, detected: plan.detection });
    return EXIT.ok;
  }
  const v = plan.config.verification;
  out.say(`Wrote ${path.relative(process.cwd(), plan.configPath) || plan.configPath}`);
  out.say(`  detected: ${plan.detection.kinds.join(', ') || 'nothing (fill in "verification" by hand)'}`);
  out.say(`  verification: ${[...v.tier0, ...v.tier1, ...v.tier2].join(' → ') || '(none)'}`);
  out.say(`  presets: ${plan.config.scope.presets.join(', ') || '(none)'}   allowlist: ${plan.config.scope.allowlist.join(', ') || '(anything not denied)'}`);
  for (const note of plan.detection.notes) out.say(`  note: ${note}`);
  for (const file of written.slice(1)) out.say(`  example task: ${path.relative(repoRoot, file)}`);
  const w = plan.config.workers;
  out.say(`  workers: planner ${w.planner?.type}, implementer ${w.implementer?.type}, reviewer ${w.reviewer?.type} (check them: runr doctor)`);
  out.say(`Next: runr run --task ${written[1] ? path.relative(repoRoot, written[1]) : '<task.md>'} --worktree`);
  return EXIT.ok;
}
