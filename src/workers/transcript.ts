import fs from 'node:fs';
import { BoundedLog } from '../util/bounded-log.js';
import { HeadTail } from '../util/head-tail.js';
import { KEEP_IN_LOG, KEEP_OF_PROMPT } from '../util/output-limits.js';
import { redact, secretValues } from './redact.js';

/**
 * A worker call's transcript in the run's logs: the command, the prompt and everything the worker
 * printed, with secrets redacted and sizes bounded (util/output-limits). Output is streamed to the file
 * as it arrives, held back just enough that a secret split across two chunks is still caught.
 */
export class Transcript {
  private readonly fd: number;
  private output_: BoundedLog | null = null;
  readonly secrets: string[];
  readonly hide = (text: string): string => redact(text, this.secrets);

  constructor(logPath: string, env: Record<string, string | undefined>) {
    this.secrets = secretValues(env);
    this.fd = fs.openSync(logPath, 'a');
  }

  section(title: string, body = ''): void {
    this.endOutput();
    const kept = new HeadTail(KEEP_OF_PROMPT);
    kept.push(body);
    const text = kept.join(this.hide);
    this.write(`${this.hide(`## ${title}`)}\n${text}${text && !text.endsWith('\n') ? '\n' : ''}`);
  }

  output(chunk: string): void {
    (this.output_ ??= new BoundedLog((text) => this.write(text), this.hide, KEEP_IN_LOG)).push(chunk);
  }

  close(footer: string): void {
    this.endOutput();
    this.write(`\n## end: ${footer}\n`);
    fs.closeSync(this.fd);
  }

  private endOutput(): void {
    this.output_?.end();
    this.output_ = null;
  }

  private write(text: string): void {
    fs.writeFileSync(this.fd, text); // all of it, or an error (a short write on a filling disk is not silently lost)
  }
}
