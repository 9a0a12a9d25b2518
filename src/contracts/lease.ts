import { z } from 'zod';

export const LeaseSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  token: z.string(),
  started_at: z.string(),
  heartbeat_at: z.string(),
  /** How old the heartbeat may get before the lease counts as expired (the holder's config). */
  expiry_ms: z.number().positive().optional(),
  /** How often the holder promises to refresh the heartbeat. */
  heartbeat_ms: z.number().positive().optional(),
});
export type Lease = z.infer<typeof LeaseSchema>;
