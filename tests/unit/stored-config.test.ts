import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/contracts/config.js';
import { configForJournal, workerWithSecrets } from '../../src/config/stored-config.js';
import { FAKE_SECRETS } from '../helpers/fake-secrets.js';

describe('the config as a run journals it', () => {
  const worker = { type: 'command', command: ['agent', '--token', FAKE_SECRETS.github], args: ['--key', FAKE_SECRETS.anthropic, '-v'], env: { SERVICE_TOKEN: 'value-of-the-token-1', MODE: 'fast' } };
  const raw = { workers: { implementer: worker } };

  it('holds no secret of a worker: env values, command words and args of a secret shape are [REDACTED]', () => {
    const stored = configForJournal(ConfigSchema.parse(raw));
    const text = JSON.stringify(stored);
    for (const secret of [FAKE_SECRETS.github, FAKE_SECRETS.anthropic, 'value-of-the-token-1']) expect(text).not.toContain(secret);
    expect(stored.workers.implementer).toMatchObject({ command: ['agent', '--token', '[REDACTED]'], args: ['--key', '[REDACTED]', '-v'], env: { MODE: 'fast' } });
  });

  it('gives the worker the real values back from the config file when it starts', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runr-cfg-')), 'runr.config.json');
    fs.writeFileSync(file, JSON.stringify(raw));
    const stored = configForJournal(ConfigSchema.parse(raw)).workers.implementer!;
    expect(workerWithSecrets(stored, 'implementer', file)).toEqual(ConfigSchema.parse(raw).workers.implementer);
  });

  it('leaves a config without secrets as it is', () => {
    const plain = ConfigSchema.parse({ workers: { planner: { type: 'claude', args: ['--verbose'] } } });
    expect(configForJournal(plain)).toEqual(plain);
  });
});
