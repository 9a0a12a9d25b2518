import { exitFlushed, ignoreClosedPipes } from './flush.js';
import { runAction } from './action.js';
import { plainRead } from './plain-read.js';
import { reportError } from './render/output.js';

/**
 * The last resort: an error nothing caught (unhandled rejections included) is still one line, never
 * Node's stack trace (RUNR_DEBUG shows it). A run's own failures (a transcript write the disk refuses)
 * reach its supervisor through the calls it awaits, never through here. Another listener stands it back.
 */
function reportUncaught(): void {
  process.on('uncaughtException', (err) => {
    if (process.listenerCount('uncaughtException') > 1) return;
    void exitFlushed(reportError(err, process.argv.includes('--json')));
  });
}

ignoreClosedPipes();
reportUncaught();
// The reads scripts run most start without commander (plain-read.ts); every other command line is commander's.
const read = plainRead(process.argv.slice(2));
if (read) await runAction(read.load, read.args);
else await (await import('./program.js')).runCli(process.argv);
