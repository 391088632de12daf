/**
 * @module services/posting/spam-rules
 * Rules that look at what was written: hold a comment for review (too many links, a
 * blocklisted word, a brand-new account), and refuse one its author already posted, word
 * for word or nearly (a bot repeating itself, a reader double-clicking).
 */
import { AppError } from '../../errors.js';
import type { Site } from '../sites/sites.js';
import { fold, printOf, trigrams, type TextPrints } from './text-prints.js';

/** `ban`: the guest's email matches a ban (emails are not verified, so held, not refused). */
export type HeldReason = 'policy' | 'links' | 'blocklist' | 'new_account' | 'ban';

/** Links in rendered comment HTML (Markdown links and bare URLs both become `<a href>`). */
export function countLinks(html: string): number {
  return html.match(/<a\s[^>]*href=/gi)?.length ?? 0;
}

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

/** Shared over all of two sorted sets of trigrams. */
function jaccard(x: Float64Array, y: Float64Array): number {
  let shared = 0;
  for (let i = 0, j = 0; i < x.length && j < y.length;) {
    const a = x[i] ?? 0;
    const b = y[j] ?? 0;
    if (a === b) shared += 1;
    if (a <= b) i += 1;
    if (b <= a) j += 1;
  }
  return shared / (x.length + y.length - shared);
}

/** At or above `threshold`? The smaller set over the larger bounds it without a merge. */
function similarAtLeast(x: Float64Array, y: Float64Array, threshold: number): boolean {
  const [small, large] = x.length <= y.length ? [x.length, y.length] : [y.length, x.length];
  return small >= large * threshold && jaccard(x, y) >= threshold;
}

/** Jaccard similarity of two texts' character trigrams, 0 to 1. */
export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (x.length === 0 || y.length === 0) return a === b ? 1 : 0;
  return jaccard(x, y);
}

/** Near enough to be the same comment again. */
export const NEAR_DUPLICATE = 0.85;

/**
 * 409 `duplicate_comment` when `body` repeats one of the author's recent comments: the
 * same text (case and spacing aside; a short one only in the same thread), or nearly the
 * same for longer texts ({@link NEAR_DUPLICATE} on letters and digits) — or, for longer
 * texts, something anyone posted in this thread just now (a bot rotating addresses).
 * A text less than half or more than twice as long is not the same comment again, and is
 * not compared letter by letter. The stored texts' prints come from `prints`.
 */
export function assertNotDuplicate(
  body: string,
  threadId: string | undefined,
  mine: readonly { body_source: string; thread_id: string }[],
  thread: readonly { body_source: string }[],
  prints: TextPrints,
): void {
  const { folded: text, letters } = printOf(body);
  const grams = letters.length >= 50 ? trigrams(letters) : undefined;
  const compared = new Set<string>();
  const same = (other: string): boolean => {
    // The author's recent comments and the thread's often hold the same text.
    if (compared.has(other)) return false;
    compared.add(other);
    const print = prints.of(other);
    if (print.folded === text) return true;
    if (grams === undefined) return false;
    const length = print.letters.length;
    if (length * 2 < letters.length || length > letters.length * 2) return false;
    // A text has at most its length less two distinct trigrams: too few cannot be near.
    if (length - 2 < grams.length * NEAR_DUPLICATE) return false;
    return similarAtLeast(grams, print.grams(), NEAR_DUPLICATE);
  };
  // Short replies ("Thanks!", "+1") may be said again, just not twice in one thread.
  const repeatsMine = (other: { body_source: string; thread_id: string }): boolean =>
    text.length < 20
      ? other.thread_id === threadId && prints.of(other.body_source).folded === text
      : same(other.body_source);
  if (mine.some(repeatsMine) || (text.length >= 40 && thread.some((t) => same(t.body_source)))) {
    throw new AppError(409, 'duplicate_comment', {
      detail: 'This is (nearly) the same as a comment already posted.',
    });
  }
}
