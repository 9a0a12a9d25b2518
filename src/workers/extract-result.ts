/**
 * Finds the worker's result in its output: the last JSON object printed, where a fenced ```json
 * block counts as one. Objects nested inside another object are not candidates on their own.
 */
export function extractLastJsonObject(output: string): unknown | undefined {
  const candidates: { end: number; value: unknown }[] = [];
  for (const m of output.matchAll(/```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)\r?\n?```/g)) {
    const value = tryParseObject(m[1] ?? '');
    if (value !== undefined) candidates.push({ end: (m.index ?? 0) + m[0].length, value });
  }
  for (const span of topLevelObjects(output)) {
    const value = tryParseObject(output.slice(span.start, span.end));
    if (value !== undefined) candidates.push({ end: span.end, value });
  }
  candidates.sort((a, b) => a.end - b.end);
  return candidates.at(-1)?.value;
}

function tryParseObject(text: string): unknown | undefined {
  try {
    const value: unknown = JSON.parse(text.trim());
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Balanced {...} spans outside of other spans, aware of JSON strings. */
function* topLevelObjects(text: string): Generator<{ start: number; end: number }> {
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (depth > 0 && inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) yield { start, end: i + 1 };
    } else if (c === '\n' && depth > 0 && !looksLikeJsonSoFar(text, start, i)) {
      depth = 0; // prose with a stray brace: start over
    }
  }
}

function looksLikeJsonSoFar(text: string, start: number, i: number): boolean {
  const head = text.slice(start + 1, Math.min(i, start + 200)).trimStart();
  return head === '' || head.startsWith('"') || head.startsWith('}');
}
