/**
 * @module elements/attributes
 * The checks behind the elements' attributes. A value the widget cannot use (a typo in
 * `sort`, `max-depth="two"`, a locale `Intl` refuses, a thread key the server would
 * refuse) must not break the thread: the element uses the default instead and warns the
 * integrator once, in the console. An absent or empty attribute is simply the default.
 */
import type { SortOrder } from '../../server/contract.js';

/**
 * `value` when `valid` takes it; otherwise undefined (the caller's default), with a
 * warning when something was given.
 */
export function checked<T>(
  el: Element,
  attribute: string,
  value: unknown,
  valid: (value: unknown) => value is T,
  expected: string,
): T | undefined {
  if (valid(value)) return value;
  if (value !== undefined && value !== null && value !== '') {
    // The attribute as written (`max-depth="two"`, not the NaN it became), or the property.
    const given = el.getAttribute(attribute) ?? JSON.stringify(value);
    console.warn(
      `[confab] <${el.localName} ${attribute}="${given}">: ${attribute} is ${expected}; using the default.`,
    );
  }
  return undefined;
}

export const SORTS: readonly SortOrder[] = ['oldest', 'newest', 'top'];

export const isSort = (value: unknown): value is SortOrder => SORTS.includes(value as SortOrder);

/** A depth of nesting: a whole number from 1 (1: replies never indent). */
export const isDepth = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;

/** A BCP 47 language tag that `Intl` takes (`Intl` throws on anything else). */
export function isLocale(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    Intl.getCanonicalLocales(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A thread key as the server takes it (server/services/common/input-rules.ts): a URL
 * path of visible ASCII, at most 500 characters, without `?` or `#` except WordPress's
 * plain permalinks (`/?p=123`, `/?page_id=123`), and without an escaped control character
 * (`%00`, `%0A`, `%7F`). The server also resolves dot segments and runs of slashes, so
 * `/a/../b/` and `/b/` are one thread.
 */
export function isThreadKey(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 500) return false;
  const path = value.replace(/\?(p|page_id)=\d{1,20}$/, '');
  return /^\/[\x21-\x7E]*$/.test(path) && !/[?#]/.test(path) && !/%([01][0-9a-f]|7f)/i.test(path);
}

/** An http(s) URL, absolute or relative to the page. */
export function isServerUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    return /^https?:$/.test(new URL(value, document.baseURI).protocol);
  } catch {
    return false;
  }
}
