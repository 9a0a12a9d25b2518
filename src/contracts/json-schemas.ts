import { z } from 'zod';
import { ConfigSchema } from './config.js';
import { RunEventSchema } from './events.js';
import { DoctorOutputSchema, ErrorOutputSchema, GcOutputSchema, HtmlReportOutputSchema, WatchEventSchema, ReportOutputSchema, StartOutputSchema, StatusAllOutputSchema, StatusOutputSchema, WaitOutputSchema } from './outputs.js';
import { RunStateSchema } from './state.js';
import { ImplementResultSchema, PlanResultSchema, RateLimitedResultSchema, ReviewResultSchema } from './worker-results.js';
import { LeaseSchema } from './lease.js';
import { OrchEventSchema } from './orchestration.js';
import { OrchReportOutputSchema, OrchStartOutputSchema, OrchStatusAllOutputSchema, OrchStatusOutputSchema, OrchWaitOutputSchema } from './orchestration-outputs.js';
import { TracksFileSchema } from './tracks.js';
import { ReplayAtOutputSchema, ReplayStepSchema } from './replay.js';

/** Every public JSON contract, by the file name its JSON Schema is published under in docs/schemas/. */
export const PUBLISHED_SCHEMAS: Record<string, z.ZodType> = {
  'config': ConfigSchema,
  'run-start-output': StartOutputSchema,
  'status-output': StatusOutputSchema,
  'status-all-output': StatusAllOutputSchema,
  'wait-output': WaitOutputSchema,
  'report-output': ReportOutputSchema,
  'report-html-output': HtmlReportOutputSchema,
  'error-output': ErrorOutputSchema,
  'doctor-output': DoctorOutputSchema,
  'watch-event': WatchEventSchema,
  'gc-output': GcOutputSchema,
  'replay-step': ReplayStepSchema,
  'replay-at-output': ReplayAtOutputSchema,
  'event': RunEventSchema,
  'state': RunStateSchema,
  'lease': LeaseSchema,
  'worker-result-plan': PlanResultSchema,
  'worker-result-implement': ImplementResultSchema,
  'worker-result-review': ReviewResultSchema,
  'worker-result-rate-limited': RateLimitedResultSchema,
  'tracks': TracksFileSchema,
  'orchestrate-start-output': OrchStartOutputSchema,
  'orchestrate-status-output': OrchStatusOutputSchema,
  'orchestrate-status-all-output': OrchStatusAllOutputSchema,
  'orchestrate-wait-output': OrchWaitOutputSchema,
  'orchestrate-report-output': OrchReportOutputSchema,
  'orchestration-event': OrchEventSchema,
};

export function jsonSchemaOf(name: string, schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ $id: `${name}.schema.json`, ...json }, null, 2)}\n`;
}
