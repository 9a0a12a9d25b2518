/** "1 milestone", "2 milestones"; for a "done/total" count the total decides. */
export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
