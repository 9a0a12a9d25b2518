import { afterEach, it } from 'vitest';
import type { FakeServer } from '../fakes/model.js';
import { runrModel } from '../fakes/runr-model.js';
import { TestRepo } from '../helpers/harness.js';
import { fakeClaude, fakeCodex, fakeGemini, writeWorkers } from '../helpers/real-clis.js';
const servers: FakeServer[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.close())); });
it('probe', async () => {
  const repo = new TestRepo();
  const m = () => ({ kind: 'answer' as const, text: '{"ok":true}' });
  const c = await fakeClaude(repo, m); const x = await fakeCodex(repo, m); const g = await fakeGemini(repo, m);
  servers.push(c.server, x.server, g.server);
  writeWorkers(repo, { planner: c.worker, implementer: x.worker, reviewer: g.worker });
  const r = await repo.runr(['doctor', '--ping'], { timeoutMs: 200000 });
  console.log(r.exitCode, r.stdout, r.stderr);
}, 300000);
