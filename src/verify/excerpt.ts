/** The end of a command's output, where test runners put their failures and summaries. */
export function excerpt(output: string, maxLines = 60, maxChars = 4_000): string {
  const lines = output.replace(/\s+$/, '').split('\n');
  let text = lines.slice(-maxLines).join('\n');
  if (text.length > maxChars) text = text.slice(-maxChars);
  const cut = text.length < output.trimEnd().length;
  return cut ? `…\n${text}` : text;
}
