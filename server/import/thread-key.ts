/**
 * @module import/thread-key
 * Which thread an imported page becomes: the URL path of the post, the widget's default
 * key (`location.pathname`), after the owner's `--map-url` rules for moved domains.
 * WordPress's `?p=N` and `?page_id=N` permalinks keep that query (`/?p=4`): without it
 * every such post would share the key `/`.
 */
import { checkThreadKey } from '../services/common/input-rules.js';

export interface UrlRule {
  from: string;
  to: string;
}

/** `'OLD NEW'` as given to `--map-url`. */
export function parseUrlRule(spec: string): UrlRule {
  const parts = spec.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0] === undefined || parts[1] === undefined) {
    throw new Error(`--map-url takes 'OLD NEW' (two URLs or prefixes), not "${spec}"`);
  }
  return { from: parts[0], to: parts[1] };
}

/** The first rule whose `from` is the URL itself or a prefix of it; else the URL as is. */
export function mapUrl(url: string, rules: readonly UrlRule[]): string {
  const exact = rules.find((r) => r.from === url);
  if (exact !== undefined) return exact.to;
  const prefix = rules.find((r) => url.startsWith(r.from));
  return prefix === undefined ? url : prefix.to + url.slice(prefix.from.length);
}

const KEY_QUERY = /^\?(p|page_id)=\d+$/;

/** The thread key for a page URL (absolute, or a path); null when it has none. */
export function threadKeyOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://confab.invalid');
  } catch {
    return null;
  }
  // A pasted URL can repeat its scheme (`https://https://host/path`): the path still counts.
  const path = parsed.pathname === '' ? '/' : parsed.pathname;
  const query = new URLSearchParams(parsed.search);
  const id = query.get('p') ?? query.get('page_id');
  const keep = id !== null && KEY_QUERY.test(`?${query.has('p') ? 'p' : 'page_id'}=${id}`);
  const key = keep ? `${path}?${query.has('p') ? 'p' : 'page_id'}=${id}` : path;
  // Normalised as the API normalises keys, so an imported thread is the widget's thread.
  const checked = checkThreadKey(key);
  return checked.ok ? checked.value : null;
}

/** The page URL kept on the thread: absolute http(s) only, without query or fragment. */
export function pageUrlOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    parsed.hash = '';
    if (!KEY_QUERY.test(parsed.search)) parsed.search = '';
    return parsed.href;
  } catch {
    return null;
  }
}
