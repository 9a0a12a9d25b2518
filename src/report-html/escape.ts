/** HTML-escapes text (element content and quoted attribute values): task text and worker output are untrusted. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A table with a caption, header cells and escaped body cells (cells given as `{ html }` are inserted as they are). */
export function table(caption: string, headers: string[], rows: (string | number | { html: string })[][]): string {
  const cell = (c: string | number | { html: string }) => (typeof c === 'object' ? c.html : esc(c));
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

export const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
export { cost as usd } from '../util/markdown.js';
