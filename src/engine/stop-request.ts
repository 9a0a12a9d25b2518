import type { OrchestratorStop } from '../contracts/stop-reasons.js';

/**
 * An abort reason that stops a run with a stop of its own instead of `interrupted`: an orchestrator ends a
 * task's run this way (`parallel_file_collision` at its collision gate).
 */
export class StopRequest {
  constructor(readonly reason: OrchestratorStop, readonly detail: string) {}
}
