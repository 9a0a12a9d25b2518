import fs from 'node:fs';
import { packageRoot } from '../../util/package-root.js';

const cache = new Map<string, string>();

export function packagePath(...parts: string[]): string {
  return [packageRoot(), ...parts].join('/');
}

export function loadTemplate(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(packagePath('templates', 'prompts', `${name}.md`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/**
 * Fills `{{name}}` with vars[name]; `{{#name}}…{{/name}}` keeps its inside only when vars[name]
 * is non-empty. Values are inserted as they are, never re-interpreted.
 */
export function render(template: string, vars: Record<string, string | number | null | undefined>): string {
  const withSections = template.replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_m, name: string, inner: string) =>
    vars[name] === undefined || vars[name] === null || vars[name] === '' ? '' : inner);
  return withSections.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(vars[name] ?? ''));
}
