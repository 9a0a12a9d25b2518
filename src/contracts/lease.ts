import { z } from 'zod';

export const LeaseSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  token: z.string(),
  started_at: z.string(),
  heartbeat_at: z.string(),
});
export type Lease = z.infer<typeof LeaseSchema>;
