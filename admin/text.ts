/**
 * @module admin/text
 * What the moderation app says when something fails: the server's own words (a problem's
 * `detail`, else its `title`), which for moderators are clearer than a translation, or a
 * plain sentence when the server could not be reached.
 */
import { ApiError, NetworkError } from '../widget/api/errors.js';

/** A sentence for the moderator about why `e` happened. */
export function errorText(e: unknown): string {
  if (e instanceof NetworkError)
    return 'Could not reach the server. Check your connection and try again.';
  if (e instanceof ApiError) {
    const { detail, title, retryAfter } = e.problem;
    const text = detail ?? (title || e.code);
    return e.code === 'rate_limited' && retryAfter ? `${text} Try again in ${retryAfter} s.` : text;
  }
  return 'Something went wrong.';
}

/** A form field's text (a file field, or none, is ''). */
export const text = (value: FormDataEntryValue | null): string =>
  typeof value === 'string' ? value : '';

/** "1 comment", "3 comments". */
export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

/** A time as the moderator's locale writes it. */
export const when = (iso: string): string => new Date(iso).toLocaleString();
