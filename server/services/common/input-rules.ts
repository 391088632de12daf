/**
 * @module services/input-rules
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
  // One plain address: no spaces or controls (header injection), no lists, no quoting,
  // no colons (nodemailer's address parser recursion, CVE-2025-14874).
  if (!/^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]+$/u.test(email)) {
    return fail(field, 'invalid', 'Please enter an email address like name@example.com.');
  }
  return ok(email);
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

/** A thread key is the URL path of the page: `/2014/03/my-post/`. */
export function checkThreadKey(raw: string, field = 'thread'): Rule<string> {
  if (raw === '') return fail(field, 'required', 'A thread key (the page path) is required.');
  if (raw.length > LIMITS.threadKeyChars) {
    return fail(field, 'too_long', `Thread keys are at most ${LIMITS.threadKeyChars} characters.`);
  }
  // A URL path; or WordPress's `/?p=123` (every post of a blog with plain permalinks has
  // the path `/`, so its key keeps that one query parameter, as imports do).
  const plainPermalink = /^\/\?(p|page_id)=\d{1,20}$/.test(raw);
  if (
    !raw.startsWith('/') ||
    !/^[\x21-\x7E]+$/.test(raw) ||
    (/[#?]/.test(raw) && !plainPermalink)
  ) {
    return fail(field, 'invalid', 'A thread key is a URL path such as /2014/03/my-post/.');
  }
  return ok(raw);
}

export function checkTitle(raw: string | undefined, field = 'threadTitle'): Rule<string | null> {
  if (raw === undefined) return ok(null);
  const title = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu, ' ')
    .trim();
  if (title === '') return ok(null);
  if (charCount(title) > LIMITS.titleChars) {
    return fail(field, 'too_long', `Titles are at most ${LIMITS.titleChars} characters.`);
  }
  return ok(title);
}

/**
 * The page the thread is on: an absolute http(s) URL. Only origin and path are kept: a
 * query string can carry a reader's email or a token (newsletter and sign-in links), and
 * whatever is stored here is public.
 */
export function checkPageUrl(raw: string | undefined, field = 'threadUrl'): Rule<URL | null> {
  if (raw === undefined || raw === '') return ok(null);
  if (raw.length > LIMITS.pageUrlChars) {
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
  return ok(url);
}

/** Collects the errors of several rules; returns them all at once. */
export function collect(...rules: Rule<unknown>[]): FieldError[] {
  return rules.flatMap((r) => (r.ok ? [] : [r.error]));
}

export type { Rule };
