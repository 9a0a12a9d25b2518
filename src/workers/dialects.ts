import type { CliWorkerType } from '../contracts/config.js';
import type { CliDialect } from './cli-dialect.js';
import { claude } from './claude.js';
import { codex } from './codex.js';
import { gemini } from './gemini.js';

/** Every CLI worker type runr drives headless. */
export const DIALECTS: Record<CliWorkerType, CliDialect> = { claude, codex, gemini };
