/** The end of a command's output, where test runners put their failures and summaries. */
export function excerpt(output: string, maxLines = 60, maxChars = 4_000): string {
  // Only the end is looked at (trimEnd and slice are linear: output may be hundreds of KiB of anything).
  const trimmed = output.trimEnd();
  const text = trimmed.slice(-maxChars).split('\n').slice(-maxLines).join('\n');
  return text.length < trimmed.length ? `…\n${text}` : text;
}
