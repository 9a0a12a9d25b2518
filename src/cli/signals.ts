import { EXIT } from '../contracts/exit-codes.js';

/**
 * The CLI's side of cancellation: while `fn` runs, Ctrl-C or SIGTERM aborts the signal it is given
 * (reason "SIGINT" / "SIGTERM", which the run's `interrupted` stop names); a second one leaves at once
 * (the run stays resumable). The engine itself installs no process-wide listener.
 */
export async function withCancellation<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const interrupt = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort(name);
  };
  // Named here, not taken from the listener's argument: the spinner (ora's stdin discarder) turns a
  // Ctrl-C byte into a bare process.emit('SIGINT'), whose listeners receive no signal name.
  const onSigint = () => interrupt('SIGINT');
  const onSigterm = () => interrupt('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
