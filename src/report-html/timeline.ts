import { esc } from './escape.js';

export interface TimelineBar {
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** A CSS colour (a var(--…) of the page's palette). */
  color: string;
  /** Short text drawn on the bar when it is wide enough. */
  label: string;
  /** The tooltip (<title>). */
  title: string;
  /** What the bar stands for (data-kind), e.g. worker, verify, task. */
  kind: string;
}

export interface TimelineRow {
  label: string;
  bars: TimelineBar[];
}

const WIDTH = 1000;
const LABEL_W = 150;
const ROW_H = 28;
const TOP = 22;

/** An inline SVG chart: one row per entry, its bars placed on a shared time axis (pure: no clock, no DOM). */
export function timelineSvg(caption: string, rows: TimelineRow[]): string {
  const bars = rows.flatMap((r) => r.bars);
  if (!bars.length) return `<p class="meta">${esc(caption)}: nothing to show yet.</p>`;
  const t0 = Math.min(...bars.map((b) => b.start));
  const t1 = Math.max(t0 + 1, ...bars.map((b) => b.end));
  const plotW = WIDTH - LABEL_W - 10;
  const x = (t: number) => LABEL_W + ((t - t0) / (t1 - t0)) * plotW;
  const height = TOP + rows.length * ROW_H + 6;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tx = LABEL_W + f * plotW;
    const anchor = f === 1 ? 'end' : f === 0 ? 'start' : 'middle';
    return `<line class="grid" x1="${tx}" y1="${TOP - 4}" x2="${tx}" y2="${height}"/><text x="${tx}" y="13" text-anchor="${anchor}">${esc(`${((f * (t1 - t0)) / 1000).toFixed(1)} s`)}</text>`;
  });
  const rowSvg = rows.map((row, i) => {
    const y = TOP + i * ROW_H;
    const drawn = row.bars.map((b) => {
      const bx = x(b.start);
      const bw = Math.max(2, x(b.end) - bx);
      const text = bw > b.label.length * 6.5 + 6 ? `<text x="${(bx + 3).toFixed(1)}" y="${y + 17}" class="on-bar">${esc(b.label)}</text>` : '';
      return `<g class="bar" data-kind="${esc(b.kind)}"><title>${esc(b.title)}</title><rect x="${bx.toFixed(1)}" y="${y + 4}" width="${bw.toFixed(1)}" height="${ROW_H - 8}" rx="3" style="fill:${b.color}"/>${text}</g>`;
    }).join('');
    return `<text x="4" y="${y + 17}">${esc(row.label.length > 22 ? `${row.label.slice(0, 21)}…` : row.label)}</text>${drawn}`;
  });
  return `<figure><div class="scroll" tabindex="0" role="group" aria-label="${esc(caption)} (scrolls sideways on narrow screens)"><svg class="timeline" role="img" aria-labelledby="tl-cap" viewBox="0 0 ${WIDTH} ${height}">`
    + `<title id="tl-cap">${esc(caption)}</title>${ticks.join('')}${rowSvg.join('')}</svg></div><figcaption class="meta">${esc(caption)}</figcaption></figure>`;
}
