import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/contracts/config.js';

const problems = (value: unknown) => {
  const r = ConfigSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('config validation', () => {
  it('limits that become timers stay well below 2^31 ms', () => {
    const max = ConfigSchema.parse({ limits: { stall_timeout_s: 86_400, worker_timeout_s: 86_400, verify_timeout_s: 86_400, time_budget_min: 10_080, result_grace_s: 3_600, lease_heartbeat_s: 3_600, lease_expiry_s: 86_400 } }).limits;
    expect(max.time_budget_min * 60_000).toBeLessThan(2 ** 31);
    expect(max.worker_timeout_s * 1000).toBeLessThan(2 ** 31);
    expect(problems({ limits: { worker_timeout_s: 3_000_000 } })).toEqual(['limits.worker_timeout_s: must be at most 86400 seconds (1 day)']);
    expect(problems({ limits: { time_budget_min: 50_000 } })[0]).toMatch(/^limits\.time_budget_min: .*10080/);
    expect(problems({ limits: { lease_heartbeat_s: 4_000, lease_expiry_s: 5_000 } })[0]).toMatch(/^limits\.lease_heartbeat_s: .*3600/);
  });

  it('scope globs must compile; the problem names the entry', () => {
    expect(problems({ scope: { allowlist: ['src/**', '*.{js,ts}', 'src/\\[x'] } })).toEqual([]);
    expect(problems({ scope: { denylist: ['src/['] } })[0]).toMatch(/^scope\.denylist\.0: invalid glob "src\/\["/);
    expect(problems({ scope: { protect: ['a/{b'] } })[0]).toMatch(/^scope\.protect\.0: /);
  });

  it('a byte-order mark before the JSON is accepted', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-bom-')), 'runr.config.json');
    fs.writeFileSync(file, '\uFEFF{"limits": {"max_verify_retries": 2}}');
    expect(loadConfig(file).limits.max_verify_retries).toBe(2);
  });
});
