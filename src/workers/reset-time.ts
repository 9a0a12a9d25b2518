const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The reset time in a usage-limit message such as "… try again at 2:22 AM." or "… try again at
 * Nov 24th, 2026 2:52 AM.". The CLI prints it in its local time zone, which is runr's own (the
 * worker inherits runr's environment). A time of day already past means tomorrow.
 */
export function parseResetTime(message: string, now: Date): Date | null {
  const m = /try again at (?:([A-Za-z]{3})\w* (\d{1,2})(?:st|nd|rd|th)?,? (\d{4}),? )?(\d{1,2}):(\d{2})\s*([AP]M)/i.exec(message);
  if (!m) return null;
  let hour = Number(m[4]) % 12;
  if ((m[6] ?? '').toUpperCase() === 'PM') hour += 12;
  const minute = Number(m[5]);
  if (m[1]) {
    const month = MONTHS.indexOf(m[1].toLowerCase());
    if (month < 0) return null;
    return new Date(Number(m[3]), month, Number(m[2]), hour, minute);
  }
  const at = new Date(now.getFullYear(), now.getMonth(), now.getDate(), hour, minute);
  if (at.getTime() <= now.getTime() - 60_000) at.setDate(at.getDate() + 1);
  return at;
}
