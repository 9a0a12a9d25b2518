/**
 * runr as a library: start, resume, approve or reject runs executed in this process; read, wait for, follow
 * and watch (auto-resuming) any run wherever it executes; set a repository up (init, doctor) and clean up
 * after finished runs (gc). A run started here is the same run on disk as one the CLI starts
 * (docs/library.md); run many tasks as one orchestration (docs/orchestrate.md). Nothing here prints, installs signal handlers or exits the process.
 */
export { startRun, resumeRun, approveRun, rejectRun, type StartOptions, type ResumeOptions } from './api/runs.js';
export { startRunInBackground, resumeRunInBackground, type BackgroundRun } from './api/background.js';
export type { Approval } from './api/runs.js';
export type { RunHandle, RunResult } from './api/handle.js';
export type { RunUpdate } from './api/events.js';
export type { EnginePorts, WorkerPort, GitPort, VerificationPort, GuardPort, PerformContext } from './engine/ports/ports.js';
export type { Clock } from './engine/ports/clock.js';
export { realPorts } from './engine/ports/real-ports.js';
export { runReportHtml, orchestrationReportHtml } from './api/html-report.js';
export { runStatus, listRuns, allRunStatuses, followRunEvents } from './api/read.js';
export { runReport } from './api/report.js';
export { waitForRun, type WaitResult } from './api/wait.js';
export { latestRunId } from './api/locate.js';
export { replayRun, replayRunUntil, type ReplayOptions, type ReplayUntil } from './api/replay.js';
export { followRun, type RunFollow, type FollowResult } from './api/follow.js';
export { planInit, initRepo, createDemo, type InitPlan } from './api/setup.js';
export { runDoctor } from './api/doctor.js';
export { collectGarbage } from './api/gc.js';
export { watchRun, type RunWatch, type WatchOptions, type WatchResult } from './api/watch.js';
export type { WaitEnd } from './engine/wait-run.js';
export {
  runOrchestration, resumeOrchestration, orchestrationStatus, allOrchestrationStatuses, orchestrationReport, waitForOrchestration, followOrchestration,
  type OrchestrateOptions,
} from './api/orchestrations.js';
export type { OrchState, OrchEvent } from './contracts/orchestration.js';
export type { OrchStatusOutput, OrchReportOutput, OrchWaitOutput } from './contracts/orchestration-outputs.js';
export { RunrError } from './contracts/errors.js';
export { EXIT } from './contracts/exit-codes.js';
export { STOP_REASONS, exitCodeFor } from './contracts/stop-reasons.js';
export type { RunState } from './contracts/state.js';
export type { RunEvent } from './contracts/events.js';
export type { ReportOutput, StatusOutput, WaitOutput, WatchEvent, DoctorOutput, GcOutput } from './contracts/outputs.js';
export type { Config } from './contracts/config.js';
export type { ReplayStep, ReplayAtOutput } from './contracts/replay.js';
