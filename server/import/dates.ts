/**
 * @module import/dates
 * Source dates to ISO-8601 UTC strings, the way the store keeps every timestamp.
 */

/** `2014-01-14 17:32:12` (WordPress's `*_gmt` columns, isso) read as UTC; null when unset. */
export function sqlDateAsUtc(value: string | undefined): string | null {
  const text = value?.trim() ?? '';
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(text);
  if (match === null) return isoDate(text);
  if (text.startsWith('0000-00-00')) return null;
  const ms = Date.UTC(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6]),
    Math.round(Number(match[7] ?? '0') * 1000),
  );
  return Number.isNaN(ms) || Number(match[1]) === 0 ? null : new Date(ms).toISOString();
}

/** An ISO-8601 date with its offset (`Z`, `-06:00`) as UTC; null when it is not one. */
export function isoDate(value: string | undefined): string | null {
  const text = value?.trim() ?? '';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text)) {
    return null;
  }
  // Fractions past milliseconds (Go writes microseconds) are cut, not rounded into a new second.
  const trimmed = text.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
