/** Small helpers for the Markdown summaries runr writes (a run's and an orchestration's summary.md). */

/** Milliseconds as seconds with one decimal ("12.3 s"); a dash when unknown. */
export const seconds = (ms: number | null) => (ms === null ? '–' : `${Math.round(ms / 100) / 10} s`);
/** Dollars with cents. */
export const cost = (usd: number) => `$${usd.toFixed(2)}`;
/** Text inside a table cell: a `|` would end the cell. */
export const cell = (text: string) => text.replace(/\|/g, '\\|');
