/** Resolves once everything written to the stream so far has reached its pipe, file or terminal. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || !stream.writable) return Promise.resolve();
  // A write's callback runs after every earlier write completed (or failed, e.g. EPIPE).
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** Exits with `code` only after stdout and stderr are flushed: process.exit alone drops what a pipe has not taken yet. */
export async function exitFlushed(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/** A reader that goes away (`runr status | head`, EPIPE) is not an error of ours: nothing can be told anyway, so leave quietly. */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => process.exit(Number(process.exitCode ?? 0)));
  }
}
