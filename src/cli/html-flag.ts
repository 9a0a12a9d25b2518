import { usageError } from '../contracts/errors.js';
import { EXIT } from '../contracts/exit-codes.js';
import type { HtmlReportOutput } from '../contracts/outputs.js';
import type { Output } from './render/output.js';

/**
 * `--html [--out <file>]` of `report` and `orchestrate report`: writes the page with `write` and prints where
 * (`{"html": …}` with --json); null without --html, for the caller's own report. --out alone is a usage error.
 */
export async function htmlReportFlag(out: Output, flags: { html?: boolean; out?: string }, write: (file: string | undefined) => Promise<string>): Promise<number | null> {
  if (flags.out && !flags.html) throw usageError('out_without_html', '--out names where --html writes the report: add --html');
  if (!flags.html) return null;
  const file = await write(flags.out);
  if (out.json) out.data({ html: file } satisfies HtmlReportOutput);
  else out.say(file);
  return EXIT.ok;
}
