/**
 * @module render/time
 * Relative ("5 minutes ago") and exact times, both by the browser's Intl.
 */

const STEPS = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [7, 'day'],
  [4.35, 'week'],
  [12, 'month'],
  [Infinity, 'year'],
] as const;

/** "5 minutes ago", "yesterday", "now": `time` relative to `now` (both epoch ms). */
export function relativeTime(time: number, now: number, locale?: string): string {
  // A server clock slightly ahead must not say "in 3 seconds".
  let d = Math.min(time - now, 0) / 1000;
  let step: (typeof STEPS)[number] = STEPS[0];
  for (step of STEPS) {
    if (Math.abs(d) < step[0]) break;
    d /= step[0];
  }
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.trunc(d), step[1]);
}

/** The exact time, spelled out in full, for a `title`. */
export function fullTime(time: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'long' }).format(time);
}
