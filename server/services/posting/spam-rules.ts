/**
 * @module services/spam-rules
 * Rules that look at what was written: hold a comment for review (too many links, a
 * blocklisted word, a brand-new account), and refuse one its author already posted, word
 * for word or nearly (a bot repeating itself, a reader double-clicking).
 */
import { AppError } from '../../errors.js';
import type { Site } from '../sites/sites.js';

/** `ban`: the guest's email matches a ban (emails are not verified, so held, not refused). */
export type HeldReason = 'policy' | 'links' | 'blocklist' | 'new_account' | 'ban';

/** Links in rendered comment HTML (Markdown links and bare URLs both become `<a href>`). */
export function countLinks(html: string): number {
  return html.match(/<a\s[^>]*href=/gi)?.length ?? 0;
}

const fold = (text: string): string =>
  text
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** What a reader sees of rendered HTML: tags gone, entities decoded (as the renderer writes them). */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? '');
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first blocklisted word or phrase found as a whole word in any of the texts. */
export function blocklisted(site: Site, texts: readonly (string | null)[]): string | undefined {
  if (site.blocklist.length === 0) return undefined;
  const haystack = fold(texts.filter((t): t is string => t !== null).join('\n'));
  return site.blocklist.find((entry) =>
    new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(entry)}(?![\\p{L}\\p{N}])`, 'u').test(haystack),
  );
}

export interface HoldContext {
  html: string;
  texts: readonly (string | null)[];
  /** When the signed-in author's account was created; null for guests. */
  accountCreatedAt: string | null;
  now: Date;
}

/** Why a comment the policy would publish must wait for a moderator, if it must. */
export function ruleHold(site: Site, context: HoldContext): HeldReason | null {
  if (countLinks(context.html) > site.maxLinks) return 'links';
  // Both what was typed and what readers will see (`v&#105;agra`, `v*i*agra`).
  if (blocklisted(site, [...context.texts, visibleText(context.html)]) !== undefined) {
    return 'blocklist';
  }
  if (
    site.newAccountHours > 0 &&
    context.accountCreatedAt !== null &&
    context.now.getTime() - Date.parse(context.accountCreatedAt) < site.newAccountHours * 3_600_000
  ) {
    return 'new_account';
  }
  return null;
}

/** Text reduced to what makes it the same comment: letters and digits, lower case. */
function essence(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function trigrams(text: string): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= text.length; i++) grams.add(text.slice(i, i + 3));
  return grams;
}

function jaccard(x: ReadonlySet<string>, y: ReadonlySet<string>): number {
  let shared = 0;
  for (const gram of x) if (y.has(gram)) shared += 1;
  return shared / (x.size + y.size - shared);
}

/** Jaccard similarity of two texts' character trigrams, 0 to 1. */
export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (x.size === 0 || y.size === 0) return a === b ? 1 : 0;
  return jaccard(x, y);
}

/** Near enough to be the same comment again. */
export const NEAR_DUPLICATE = 0.85;

/**
 * 409 `duplicate_comment` when `body` repeats one of the author's recent comments: the
 * same text (case and spacing aside; a short one only in the same thread), or nearly the
 * same for longer texts ({@link NEAR_DUPLICATE} on letters and digits) — or, for longer
 * texts, something anyone posted in this thread just now (a bot rotating addresses).
 * The new text is folded once; a text less than half or more than twice as long is not
 * the same comment again, and is not compared letter by letter.
 */
export function assertNotDuplicate(
  body: string,
  threadId: string | undefined,
  mine: readonly { body_source: string; thread_id: string }[],
  thread: readonly { body_source: string }[],
): void {
  const text = fold(body).trim();
  const letters = essence(body);
  const grams = letters.length >= 50 ? trigrams(letters) : undefined;
  const same = (other: string): boolean => {
    if (fold(other).trim() === text) return true;
    if (grams === undefined) return false;
    const otherLetters = essence(other);
    if (otherLetters.length * 2 < letters.length || otherLetters.length > letters.length * 2) {
      return false;
    }
    return jaccard(grams, trigrams(otherLetters)) >= NEAR_DUPLICATE;
  };
  // Short replies ("Thanks!", "+1") may be said again, just not twice in one thread.
  const repeatsMine = (other: { body_source: string; thread_id: string }): boolean =>
    text.length < 20
      ? other.thread_id === threadId && fold(other.body_source).trim() === text
      : same(other.body_source);
  if (mine.some(repeatsMine) || (text.length >= 40 && thread.some((t) => same(t.body_source)))) {
    throw new AppError(409, 'duplicate_comment', {
      detail: 'This is (nearly) the same as a comment already posted.',
    });
  }
}
