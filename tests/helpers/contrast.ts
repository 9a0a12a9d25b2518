/**
 * Text contrast of a page as the browser draws it: every element with text of its own, its computed colour
 * (an SVG text's fill) against the background it sits on (the nearest ancestor's non-transparent background;
 * for a label drawn on a timeline bar, the bar's fill), as WCAG 2 contrast ratios.
 */
import type { Page } from 'playwright-core';

export interface ContrastFinding { text: string; selector: string; fg: string; bg: string; ratio: number }

/** Every text on the page with its contrast ratio, in the colour scheme the page is emulating now. */
export async function textContrasts(page: Page): Promise<ContrastFinding[]> {
  return page.evaluate(() => {
    const rgb = (value: string): [number, number, number, number] | null => {
      const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(value.trim());
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
    };
    const luminance = ([r, g, b]: number[]) => {
      const lin = (c: number) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
    };
    const ratio = (a: number[], b: number[]) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    const backgroundOf = (el: Element): string => {
      if (el instanceof SVGTextElement && el.classList.contains('on-bar')) {
        const bar = el.parentElement?.querySelector('rect');
        if (bar) return getComputedStyle(bar).fill;
      }
      for (let at: Element | null = el; at; at = at.parentElement) {
        const bg = rgb(getComputedStyle(at).backgroundColor);
        if (bg && bg[3] > 0) return getComputedStyle(at).backgroundColor;
      }
      return 'rgb(255, 255, 255)';
    };
    const selectorOf = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}`;
    const found: { text: string; selector: string; fg: string; bg: string; ratio: number }[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
      if (!own || el.closest('title, style, script')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const fg = el instanceof SVGElement ? style.fill : style.color;
      const bg = backgroundOf(el);
      const f = rgb(fg);
      const b = rgb(bg);
      if (!f || !b) throw new Error(`unreadable colour on ${selectorOf(el)}: ${fg} on ${bg}`);
      found.push({ text: own.slice(0, 40), selector: selectorOf(el), fg, bg, ratio: Math.round(ratio(f, b) * 100) / 100 });
    }
    return found;
  });
}

/** WCAG AA for body text. */
export const AA_BODY = 4.5;

/** The texts below AA in light and in dark mode (empty when the page passes), and how many texts were measured. */
export async function contrastFailures(page: Page): Promise<{ measured: number; failing: (ContrastFinding & { scheme: string })[] }> {
  let measured = 0;
  const failing: (ContrastFinding & { scheme: string })[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const all = await textContrasts(page);
    measured += all.length;
    failing.push(...all.filter((f) => f.ratio < AA_BODY).map((f) => ({ ...f, scheme })));
  }
  await page.emulateMedia({ colorScheme: null });
  return { measured, failing };
}

/**
 * Adds to the page a sample of every colour its palette declares that the run at hand may not have drawn:
 * a timeline bar with its label for each colour variable of :root (phases, statuses), and the ok/bad/muted
 * texts on the page's background and on a panel. contrastFailures then measures them too.
 */
export async function addPaletteSample(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const css = [...document.querySelectorAll('style')].map((s) => s.textContent ?? '').join('\n');
    const surfaces = new Set(['bg', 'fg', 'line', 'panel', 'focus', 'barfg', 'muted']);
    const colours = [...new Set([...css.matchAll(/--([A-Za-z]+):/g)].map((m) => m[1]!))].filter((v) => !surfaces.has(v));
    const bars = colours.map((v, i) => `<g class="bar"><rect x="0" y="${i * 20}" width="100" height="18" style="fill:var(--${v})"/><text class="on-bar" x="3" y="${i * 20 + 13}">${v}</text></g>`).join('');
    const texts = '<span class="ok">ok</span> <span class="bad">bad</span> <span class="meta">muted</span>';
    document.querySelector('main')!.insertAdjacentHTML('beforeend', `<section id="palette-sample"><svg class="timeline" viewBox="0 0 100 ${colours.length * 20}">${bars}</svg>
<p>${texts}</p><div class="outcome"><p>${texts}</p></div><table><tr><th>${texts}</th></tr></table><pre>${texts}</pre></section>`);
    return colours;
  });
}
