import { esc } from './escape.js';

/** No network, nothing but inline styles and data: images: the file opens from disk as it is. */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --focus: #0550ae; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700;
  --PLAN: #8250df; --IMPLEMENT: #0969da; --GUARD: #6e7781; --VERIFY: #9a6700; --REVIEW: #1a7f37; --CHECKPOINT: #d1242f; --OTHER: #57606a; --barfg: #ffffff; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #161b22; --focus: #79c0ff;
    --ok: #3fb950; --bad: #ff7b72; --warn: #d29922;
    --PLAN: #a371f7; --IMPLEMENT: #4493f8; --GUARD: #9198a1; --VERIFY: #d29922; --REVIEW: #3fb950; --CHECKPOINT: #ff7b72; --OTHER: #9198a1; --barfg: #0d1117; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 1rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.5rem; margin: .2rem 0 .6rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: var(--panel); border: 1px solid var(--line); padding: .6rem; overflow-x: auto; white-space: pre; max-height: 40rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .4rem 0; min-width: 50%; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td code { white-space: nowrap; }
th { background: var(--panel); }
details { border: 1px solid var(--line); border-radius: 6px; padding: .3rem .6rem; margin: .4rem 0; }
summary { cursor: pointer; font-weight: 600; }
a:focus-visible, summary:focus-visible, [tabindex]:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.meta { color: var(--muted); overflow-wrap: anywhere; }
.outcome { background: var(--panel); border-left: 4px solid var(--muted); padding: .5rem .8rem; }
.outcome.complete { border-color: var(--ok); } .outcome.stopped { border-color: var(--bad); }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; }
.next { font-size: 1rem; }
figure { margin: 0; }
svg.timeline { display: block; width: 100%; min-width: 640px; height: auto; background: var(--panel); border: 1px solid var(--line); }
svg.timeline text { fill: var(--fg); font: 11px system-ui, sans-serif; }
svg.timeline .grid { stroke: var(--line); }
svg.timeline text.on-bar { fill: var(--barfg); }
.legend { display: flex; flex-wrap: wrap; gap: .8rem; list-style: none; padding: 0; margin: .3rem 0; }
.legend span { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem; vertical-align: middle; border-radius: 2px; }
@media (max-width: 600px) { body { padding: .5rem; font-size: 14px; } h1 { font-size: 1.25rem; } }
`;

/** A whole page: escaped title, inline style, the CSP, the sections given (already HTML). */
export function page(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A legend of the colours a timeline uses. */
export function legend(entries: { label: string; color: string }[]): string {
  return `<ul class="legend">${entries.map((e) => `<li><span style="background:${e.color}"></span>${esc(e.label)}</li>`).join('')}</ul>`;
}
