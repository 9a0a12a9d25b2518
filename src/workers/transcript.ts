import fs from 'node:fs';
import { redact, secretValues } from './redact.js';

/** Output without a newline is logged once this much has piled up (keeping the last 1 KiB back). */
const MAX_PARTIAL = 256 * 1_024;

/**
 * A worker call's transcript in the run's logs: the command, the prompt and everything the
 * worker printed, with secrets redacted. Output is written line by line, so that a secret split
 * across two chunks is still caught.
 */
export class Transcript {
  private readonly fd: number;
  private partial = '';
  readonly secrets: string[];

  constructor(logPath: string, env: Record<string, string | undefined>) {
    this.secrets = secretValues(env);
    this.fd = fs.openSync(logPath, 'a');
  }

  hide(text: string): string {
    return redact(text, this.secrets);
  }

  section(title: string, body = ''): void {
    if (this.partial) this.output('\n');
    fs.writeSync(this.fd, this.hide(`## ${title}\n${body}${body && !body.endsWith('\n') ? '\n' : ''}`));
  }

  output(chunk: string): void {
    this.partial += chunk;
    const cut = this.partial.lastIndexOf('\n') + 1 || (this.partial.length > MAX_PARTIAL ? this.partial.length - 1_024 : 0);
    if (cut === 0) return;
    fs.writeSync(this.fd, this.hide(this.partial.slice(0, cut)));
    this.partial = this.partial.slice(cut);
  }

  close(footer: string): void {
    if (this.partial) fs.writeSync(this.fd, this.hide(this.partial));
    this.partial = '';
    fs.writeSync(this.fd, `\n## end: ${footer}\n`);
    fs.closeSync(this.fd);
  }
}
