/**
 * @module services/common/input-rules
 * The rules for what readers type, shared by every write path (create, edit, and later
 * moderator edit and import), so no path can skip one. Each rule returns the cleaned
 * value or a field error; nothing is silently truncated.
 */
import type { FieldError } from '../../contract.js';

export const LIMITS = {
  nameChars: 80,
  emailChars: 254,
  urlChars: 500,
  bodyChars: 10_000,
  threadKeyChars: 500,
  titleChars: 300,
  pageUrlChars: 2000,
  /** What a browser may send as `location.href`, query and all, before it is cut down. */
  pageUrlInputChars: 16_000,
} as const;

type Rule<T> = { ok: true; value: T } | { ok: false; error: FieldError };

const ok = <T>(value: T): Rule<T> => ({ ok: true, value });
const fail = <T>(field: string, code: string, message: string): Rule<T> => ({
  ok: false,
  error: { field, code, message },
});

/** Characters counted as the reader sees them (code points), not UTF-16 units or bytes. */
export function charCount(text: string): number {
  return Array.from(text).length;
}

// C0/C1 controls, bidi embeddings/overrides/isolates and marks, zero-width characters.
const NAME_FORBIDDEN = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;
// C0 and C1 controls other than tab and newline; bidi overrides and isolates. Zero-width
// joiners stay: emoji sequences need them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BODY_FORBIDDEN = /[\0-\x08\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/u;
// More than two combining marks on one base character ("zalgo").
const ZALGO = /\p{M}{3,}/u;

export function checkName(raw: string, field = 'author.name'): Rule<string> {
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name === '') return fail(field, 'required', 'Please enter your name.');
  if (charCount(name) > LIMITS.nameChars) {
    return fail(field, 'too_long', `Names are at most ${LIMITS.nameChars} characters.`);
  }
  if (NAME_FORBIDDEN.test(raw) || ZALGO.test(name)) {
    return fail(field, 'invalid_characters', 'The name contains characters that are not allowed.');
  }
  return ok(name);
}

export function checkEmail(raw: string | undefined, field = 'author.email'): Rule<string | null> {
  if (raw === undefined) return ok(null);
  const email = raw.trim();
  if (email === '') return ok(null);
  if (charCount(email) > LIMITS.emailChars) {
    return fail(field, 'too_long', `Email addresses are at most ${LIMITS.emailChars} characters.`);
  }
  if (!isMailAddress(email)) {
    return fail(field, 'invalid', 'Please enter an email address like name@example.com.');
  }
  return ok(email);
}

/**
 * One plain address a mail may be sent to: no spaces or control characters (header
 * injection), no lists, no quoting, no colons (nodemailer's address parser recursion,
 * CVE-2025-14874), at most 254 characters.
 */
export function isMailAddress(email: string): boolean {
  return (
    email.length <= 254 &&
    !/\p{Cc}/u.test(email) &&
    /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]+$/u.test(email)
  );
}

export function checkWebsite(raw: string | undefined, field = 'author.url'): Rule<string | null> {
  if (raw === undefined) return ok(null);
  const text = raw.trim();
  if (text === '') return ok(null);
  if (charCount(text) > LIMITS.urlChars) {
    return fail(field, 'too_long', `Website addresses are at most ${LIMITS.urlChars} characters.`);
  }
  // A bare host ("example.com/blog") means https; anything with another scheme is refused.
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(text);
  const candidate = hasScheme ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return fail(field, 'not_a_url', 'Please enter a web address like https://example.com.');
  }
  const hostLooksReal = url.hostname.includes('.') || url.hostname === 'localhost';
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    !hostLooksReal ||
    url.username !== '' ||
    url.password !== '' ||
    /[\s<>"'`]/u.test(text)
  ) {
    return fail(field, 'not_a_url', 'Please enter a web address like https://example.com.');
  }
  return ok(url.href);
}

export function checkBody(raw: string, field = 'body'): Rule<string> {
  const body = raw.normalize('NFC').replace(/\r\n?/g, '\n');
  if (body.trim() === '') return fail(field, 'required', 'Please write a comment.');
  const length = charCount(body.trim());
  if (length > LIMITS.bodyChars) {
    return fail(
      field,
      'too_long',
      `Comments are at most ${LIMITS.bodyChars} characters; this one has ${length}.`,
    );
  }
  if (BODY_FORBIDDEN.test(body)) {
    return fail(field, 'invalid_characters', 'The comment contains control characters.');
  }
  return ok(body.trim());
}

/**
 * A thread key is the URL path of the page: `/2014/03/my-post/`. It is normalised as a
 * browser normalises `location.pathname`, so one page is one thread however its path is
 * spelled: dot segments go (`/a/./b/../c` is `/a/c`, `%2e` counting as a dot), runs of
 * slashes become one (`/a//b` is `/a/b`), and characters a browser escapes are escaped.
 * A path with an escaped control character (`%00` NUL, `%0A`, `%7F`) names no page and is
 * refused. WordPress's plain permalinks (`/?p=123`) keep that one query parameter: every
 * post of such a blog has the path `/`.
 */
export function checkThreadKey(raw: string, field = 'thread'): Rule<string> {
  if (raw === '') return fail(field, 'required', 'A thread key (the page path) is required.');
  if (raw.length > LIMITS.threadKeyChars) {
    return fail(field, 'too_long', `Thread keys are at most ${LIMITS.threadKeyChars} characters.`);
  }
  const permalink = /^(\/[\x21-\x7E]*?)(\?(?:p|page_id)=\d{1,20})$/.exec(raw);
  const path = permalink?.[1] ?? raw;
  if (!path.startsWith('/') || !/^[\x21-\x7E]+$/.test(path) || /[#?]/.test(path)) {
    return fail(field, 'invalid', 'A thread key is a URL path such as /2014/03/my-post/.');
  }
  if (/%(?:[01][0-9a-f]|7f)/i.test(path)) {
    return fail(field, 'invalid', 'A thread key may not contain an escaped control character.');
  }
  const key = normalizePath(path) + (permalink?.[2] ?? '');
  if (key.length > LIMITS.threadKeyChars) {
    return fail(field, 'too_long', `Thread keys are at most ${LIMITS.threadKeyChars} characters.`);
  }
  return ok(key);
}

/** The path as the URL standard resolves it, with runs of slashes made one. */
function normalizePath(path: string): string {
  return new URL(path.replace(/\/{2,}/g, '/'), 'http://confab.invalid').pathname.replace(
    /\/{2,}/g,
    '/',
  );
}

/**
 * The page's title, as the widget reads it from `document.title`: not something a reader
 * typed, so a long one is shortened (at a word, with an ellipsis) rather than refused.
 */
export function checkTitle(raw: string | undefined): Rule<string | null> {
  if (raw === undefined) return ok(null);
  const title = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (title === '') return ok(null);
  const chars = Array.from(title);
  if (chars.length <= LIMITS.titleChars) return ok(title);
  const cut = chars.slice(0, LIMITS.titleChars - 1).join('');
  const atWord = cut.replace(/\s+\S*$/u, '');
  return ok(`${atWord.length > LIMITS.titleChars / 2 ? atWord : cut}…`);
}

/**
 * The page the thread is on: an absolute http(s) URL. Only origin and path are kept: a
 * query string can carry a reader's email or a token (newsletter and sign-in links), and
 * whatever is stored here is public.
 */
export function checkPageUrl(raw: string | undefined, field = 'threadUrl'): Rule<URL | null> {
  if (raw === undefined || raw === '') return ok(null);
  // The widget sends `location.href`: a long query (tracking, a search) is dropped below,
  // so only an absurd address is refused before it is parsed.
  if (raw.length > LIMITS.pageUrlInputChars) {
    return fail(field, 'too_long', `Page URLs are at most ${LIMITS.pageUrlChars} characters.`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(field, 'not_a_url', 'threadUrl is not an absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(field, 'not_a_url', 'threadUrl is not an http(s) URL.');
  }
  url.hash = '';
  url.search = '';
  if (url.href.length > LIMITS.pageUrlChars) {
    return fail(field, 'too_long', `Page URLs are at most ${LIMITS.pageUrlChars} characters.`);
  }
  return ok(url);
}

/** Collects the errors of several rules; returns them all at once. */
export function collect(...rules: Rule<unknown>[]): FieldError[] {
  return rules.flatMap((r) => (r.ok ? [] : [r.error]));
}

export type { Rule };
