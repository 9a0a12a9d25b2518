import { EXIT, type ExitCode } from './exit-codes.js';

/** An error the operator must act on: one clear line, a stable code, and the exit code it maps to. */
export class RunrError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
  }
}

export const usageError = (code: string, message: string) => new RunrError(code, message, EXIT.usage);
