import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../contracts/exit-codes.js';
import { VERSION } from '../version.js';
import { lazy, type Load } from './action.js';
import { READ_DEFAULTS } from './plain-read.js';
import { printJsonError, reportError } from './render/output.js';

/** Makes a command's action from the loader of its module: `lazy` in the CLI; tests capture what commander parsed instead. */
export type Bind = (load: Load) => (...args: unknown[]) => Promise<void>;

const repo = () => new Option('--repo <path>', 'the git repository to work in').default(READ_DEFAULTS.repo);
const json = () => new Option('--json', 'machine-readable output: stdout carries only JSON, human text goes to stderr');

/** runr's command line: every command, its options and the module that carries it out. */
export function buildProgram(bind: Bind = lazy): Command {
  const program = new Command('runr')
    .description('Phase-gated execution harness for AI coding agents: PLAN → IMPLEMENT → VERIFY → REVIEW → CHECKPOINT in an isolated git worktree.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => { if (!process.argv.includes('--json')) write(text); } });

  program.command('init')
    .description('Detect verification commands and presets; write .runr/runr.config.json and example tasks')
    .addOption(repo())
    .option('--print', 'print the config that would be written, write nothing')
    .option('--force', 'overwrite an existing config')
    .option('--interactive', 'setup wizard (not available yet: says so and writes nothing)')
    .option('--demo', 'create the offline demo project (scripted agent, no API key) in --repo, which must be empty or absent')
    .addOption(json())
    .action(bind(() => import('./init.js')));

  program.command('run')
    .description('Start a run of a task file and execute it (exit code: 0 complete, 1 stopped, see docs/stop-reasons.md)')
    .addOption(repo())
    .requiredOption('--task <file>', 'the task file (Markdown with "# Title" and "## Goal")')
    .option('--worktree', 'work in an isolated git worktree (.runr/worktrees/<run_id>), recommended')
    .option('--fast', 'skip PLAN and REVIEW: the whole task is one milestone')
    .option('--allow-deps', 'allow changes to lockfiles (dependency changes)')
    .option('--allow-dirty', 'without --worktree: start even if the working tree has uncommitted changes (they are never committed)')
    .option('--time <minutes>', 'time budget for the run (default: limits.time_budget_min)')
    .option('--max-ticks <n>', 'stop after this many steps (worker calls, verifications, checks, commits)')
    .option('--budget-usd <amount>', 'stop before a worker call once reported cost reaches this')
    .option('--detach', 'hand execution to a background process and exit 0 at once')
    .option('--config <path>', 'config file (default: .runr/runr.config.json)')
    .addOption(new Option('--sandbox <mode>', 'confine workers and verification with bubblewrap: auto (where it works), required, off; overrides the config').choices(['auto', 'required', 'off']))
    .addOption(json())
    .action(bind(() => import('./run.js')));

  program.command('resume')
    .description('Continue a stopped or stale run from its last checkpoint (completed milestones are never re-run)')
    .argument('<run_id>', 'a run id, or "latest"')
    .addOption(repo())
    .option('--force', 'also resume a stop that is not resumable by default (after fixing its cause); re-reads the config')
    .option('--time <minutes>', 'a new time budget for this session')
    .option('--max-ticks <n>', 'a new step limit for this session')
    .option('--budget-usd <amount>', 'a new cost budget (needed after budget_exceeded)')
    .option('--detach', 'hand execution to a background process and exit 0 at once')
    .addOption(json())
    .action(bind(() => import('./resume.js')));

  program.command('approve')
    .description('Approve the plan or checkpoint a run waits at (config "approvals"), and continue the run')
    .argument('<run_id>', 'a run id, or "latest"')
    .addOption(repo())
    .option('--detach', 'continue in a background process and exit 0 at once')
    .addOption(json())
    .action(bind(() => import('./approve.js')));

  program.command('reject')
    .description('Reject the plan or checkpoint a run waits at: the reason goes back to the planner (plan) or implementer (checkpoint)')
    .argument('<run_id>', 'a run id, or "latest"')
    .addOption(repo())
    .requiredOption('--reason <text>', 'what must change (given to the worker as review comments)')
    .option('--detach', 'continue in a background process and exit 0 at once')
    .addOption(json())
    .action(bind(() => import('./reject.js')));

  program.command('status')
    .description('Print a run\'s state as JSON (the default), or every run with --all')
    .argument('[run_id]', 'a run id, or "latest"')
    .addOption(repo())
    .option('--all', 'list every run, newest first')
    .option('--human', 'a readable view instead of JSON')
    .addOption(json())
    .action(bind(() => import('./status.js')));

  program.command('wait')
    .description('Block until a run is terminal; prints {run_id, phase, stop_reason, milestones_completed}')
    .argument('<run_id>', 'a run id, or "latest"')
    .addOption(repo())
    .addOption(new Option('--for <what>', 'what to wait for').choices(['terminal']).default(READ_DEFAULTS.waitFor))
    .option('--timeout <seconds>', 'give up after this long (exit 124, "timed_out": true)')
    .addOption(json())
    .action(bind(() => import('./wait.js')));

  program.command('report')
    .description('KPIs, stop reason, diagnostics and milestones of a run')
    .argument('<run_id>', 'a run id, or "latest"')
    .addOption(repo())
    .option('--kpi-only', 'only the KPIs')
    .addOption(new Option('--md', "print the run's summary.md (the summary so far while it is not finished)").conflicts(['json', 'kpiOnly']))
    .addOption(new Option('--html', 'write a self-contained HTML report (default <run_dir>/report.html) and print its path').conflicts(['md', 'kpiOnly']))
    .option('--out <file>', 'with --html: where to write it')
    .addOption(json())
    .action(bind(() => import('./report.js')));

  program.command('replay')
    .description("Step through a run's journal: each event with the state it produced (what runr knew when it decided)")
    .argument('<run_id>', 'a run id, or "latest"')
    .addOption(repo())
    .option('--at <seq|phase|milestone>', 'stop at an event (a seq number, PLAN…CHECKPOINT, or m2) and print the whole state there')
    .addOption(json())
    .action(bind(() => import('./replay.js')));

  program.command('follow')
    .description("Print a run's progress as it happens (phases, workers, verification, waits) until it ends")
    .argument('[run_id]', 'a run id, or "latest" (default: the newest run being executed)')
    .addOption(repo())
    .addOption(json())
    .action(bind(() => import('./follow.js')));

  program.command('watch')
    .description('Observe a run until it ends; with --auto-resume, resume it on resumable stops (never on scope, guard or review-loop stops)')
    .argument('<run_id>', 'a run id, or "latest"')
    .addOption(repo())
    .option('--auto-resume', 'resume the run (in the background) when it stops for a resumable reason, or when nobody executes it')
    .option('--max-attempts <n>', 'at most this many auto-resumes (default 3)')
    .option('--cooldown <s>', 'seconds to wait before each auto-resume (default 10; a quota_wait also waits for its retry_at)')
    .option('--interval <s>', 'seconds between "watching" reports while the run executes (default 5)')
    .addOption(json())
    .action(bind(() => import('./watch.js')));

  program.command('gc')
    .description('Remove worktrees and run directories of finished runs (never uncommitted work; branches only when their checkpoints are merged somewhere)')
    .addOption(repo())
    .option('--older-than <days>', 'only runs that finished at least this many days ago (default 7; 0 for all)')
    .option('--dry-run', 'say what would be removed, remove nothing')
    .addOption(json())
    .action(bind(() => import('./gc.js')));

  program.command('doctor')
    .description('Check node, git, the repo, the config and every configured worker CLI (installed, headless, credentials); exit 1 if any check fails')
    .addOption(repo())
    .option('--config <path>', 'config file (default: .runr/runr.config.json)')
    .option('--ping', 'also make one real, minimal call per CLI worker (costs a few tokens)')
    .addOption(json())
    .action(bind(() => import('./doctor.js')));

  const orchestrate = program.command('orchestrate')
    .description('Run many tasks as one unit: tracks in parallel, tasks within a track in order, dependencies, collision safety, one integrated branch (docs/orchestrate.md)');

  orchestrate.command('run')
    .description('Start an orchestration of a tracks file and execute it (exit code: 0 complete, 1 stopped)')
    .addOption(repo())
    .requiredOption('--config <tracks.yaml>', 'the tracks file: tracks of ordered tasks, dependencies, per-task overrides')
    .option('--worktree', 'accepted for the operator guide: every task always runs in a worktree of its own')
    .option('--fast', 'run every task with --fast (no PLAN, no REVIEW)')
    .option('--max-parallel <n>', 'tasks executing at once (default 2: a 2-core machine, and worker API rate limits)')
    .addOption(new Option('--collision-policy <policy>', 'two tasks that may change the same files: the later waits (serialize) or stops with parallel_file_collision (fail)').choices(['serialize', 'fail']).default('serialize'))
    .option('--no-fix-conflicts', 'a merge conflict in the integration stops with merge_conflict instead of running a conflict-fix task')
    .option('--new', 'start a new orchestration even if one of this tracks file is under way')
    .option('--detach', 'hand execution to a background process and exit 0 at once')
    .addOption(json())
    .action(bind(() => import('./orchestrate-run.js')));

  orchestrate.command('resume')
    .description('Continue an orchestration: runs under way are reattached or resumed first, then new tasks start; completed tasks never run again')
    .argument('<orch_id>', 'an orchestration id, or "latest"')
    .addOption(repo())
    .option('--detach', 'continue in a background process and exit 0 at once')
    .addOption(json())
    .action(bind(() => import('./orchestrate-resume.js')));

  orchestrate.command('status')
    .description("Print an orchestration's state as JSON (the default), or every orchestration with --all")
    .argument('[orch_id]', 'an orchestration id, or "latest"')
    .addOption(repo())
    .option('--all', 'list every orchestration, newest first')
    .option('--human', 'a readable view instead of JSON')
    .addOption(json())
    .action(bind(async () => ({ default: (await import('./orchestrate-read.js')).status })));

  orchestrate.command('wait')
    .description('Block until an orchestration is over; prints {orchestration_id, status, stop_reason, tasks, integration_branch}')
    .argument('<orch_id>', 'an orchestration id, or "latest"')
    .addOption(repo())
    .option('--timeout <seconds>', 'give up after this long (exit 124, "timed_out": true)')
    .addOption(json())
    .action(bind(async () => ({ default: (await import('./orchestrate-read.js')).wait })));

  orchestrate.command('report')
    .description("An orchestration's final artifact: each task's outcome, branch, checkpoints, durations, waits and usage, and the integration")
    .argument('<orch_id>', 'an orchestration id, or "latest"')
    .addOption(repo())
    .option('--html', 'write a self-contained HTML report (default <orch_dir>/report.html) and print its path')
    .option('--out <file>', 'with --html: where to write it')
    .addOption(json())
    .action(bind(async () => ({ default: (await import('./orchestrate-read.js')).report })));

  orchestrate.command('follow')
    .description("Print an orchestration's events as they happen until it is over (--json: NDJSON)")
    .argument('<orch_id>', 'an orchestration id, or "latest"')
    .addOption(repo())
    .addOption(json())
    .action(bind(async () => ({ default: (await import('./orchestrate-read.js')).follow })));

  program.command('__supervise', { hidden: true })
    .argument('<run_id>')
    .addOption(repo())
    .action(bind(() => import('./supervise.js')));

  program.command('__orchestrate', { hidden: true })
    .argument('<orch_id>')
    .addOption(repo())
    .action(bind(() => import('./orchestrate-background.js')));
  return program;
}

/** The command word when it names no command: commander would show the root help for `runr nope --help`. */
function unknownCommand(program: Command, args: string[]): string | null {
  const word = args.find((a) => !a.startsWith('-'));
  if (word === undefined || word === 'help') return null;
  return program.commands.some((c) => c.name() === word || c.aliases().includes(word)) ? null : word;
}

/** Parses `argv` (process.argv) with commander and runs the command it names; usage errors set the exit code. */
export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  const unknown = unknownCommand(program, argv.slice(2));
  if (unknown !== null) {
    const message = `unknown command '${unknown}' (see runr --help)`;
    if (argv.includes('--json')) printJsonError('usage', message);
    else process.stderr.write(`error: ${message}\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
      if (!ok && argv.includes('--json')) {
        printJsonError('usage', err.message.replace(/^error: /, ''));
      }
      process.exitCode = ok ? EXIT.ok : EXIT.usage;
    } else {
      process.exitCode = reportError(err, argv.includes('--json'));
    }
  }
}
