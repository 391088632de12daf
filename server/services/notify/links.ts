/**
 * @module services/notify/links
 * The signed links mail carries: confirm a subscription, unsubscribe, the owner's
 * Approve / Spam / Delete, and a guest's link to their own comments. Each is an HMAC of
 * its purpose and fields with the server secret, so a link works only for what it was
 * made for and cannot be made by anyone else. Moderation and manage links also carry an
 * expiry. Following a link only shows a page; the change is made by the page's button (a
 * POST), or by a mail client's RFC 8058 POST.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'confirm' | 'unsubscribe' | 'alerts-off' | 'moderate' | 'manage';

/** The signature of `fields` for `purpose` (base64url, 32 characters). */
export function signLink(secret: string, purpose: LinkPurpose, fields: readonly string[]): string {
  return createHmac('sha256', secret)
    .update(`confab-link\0${purpose}\0${fields.join('\0')}`)
    .digest('base64url')
    .slice(0, 32);
}

export function verifyLink(
  secret: string,
  purpose: LinkPurpose,
  fields: readonly string[],
  signature: string | undefined,
): boolean {
  if (signature === undefined || !/^[A-Za-z0-9_-]{32}$/.test(signature)) return false;
  const expected = Buffer.from(signLink(secret, purpose, fields));
  return timingSafeEqual(expected, Buffer.from(signature));
}

/** `/notify/<path>?<query>` on the server's public URL, with the signature as `t`. */
export function linkTo(
  publicUrl: string,
  path: string,
  query: Readonly<Record<string, string>>,
  signature: string,
): string {
  const url = new URL(`${publicUrl}/notify/${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  url.searchParams.set('t', signature);
  return url.href;
}

export function unsubscribeLink(publicUrl: string, secret: string, subscriptionId: string): string {
  return linkTo(
    publicUrl,
    'unsubscribe',
    { s: subscriptionId },
    signLink(secret, 'unsubscribe', [subscriptionId]),
  );
}

export function confirmLink(publicUrl: string, secret: string, subscriptionId: string): string {
  return linkTo(
    publicUrl,
    'confirm',
    { s: subscriptionId },
    signLink(secret, 'confirm', [subscriptionId]),
  );
}

export function alertsOffLink(
  publicUrl: string,
  secret: string,
  siteId: string,
  email: string,
): string {
  return linkTo(
    publicUrl,
    'alerts-off',
    { site: siteId, to: email },
    signLink(secret, 'alerts-off', [siteId, email]),
  );
}

export const MODERATION_LINK_ACTIONS = ['approve', 'spam', 'delete'] as const;
export type ModerationLinkAction = (typeof MODERATION_LINK_ACTIONS)[number];

/** Approve / Spam / Delete for `commentId`, made for `email`, valid until `expires`. */
export function moderateLink(
  publicUrl: string,
  secret: string,
  data: { commentId: string; action: ModerationLinkAction; email: string; expires: number },
): string {
  const fields = [data.commentId, data.action, data.email, String(data.expires)];
  return linkTo(
    publicUrl,
    'moderate',
    { c: data.commentId, a: data.action, to: data.email, x: String(data.expires) },
    signLink(secret, 'moderate', fields),
  );
}

/** How long a guest's link to their own comments works. */
export const MANAGE_LINK_MS = 24 * 3_600_000;

/**
 * The token of a guest's link to the comments written with `email` on a site:
 * `<site>.<expires>.<address, base64url>.<signature>`, the signature binding the purpose,
 * the site, the address's keyed hash and the expiry (epoch seconds).
 */
export function manageToken(
  secret: string,
  data: { siteId: string; email: string; emailHash: string; expires: number },
): string {
  const signature = signLink(secret, 'manage', [data.siteId, data.emailHash, String(data.expires)]);
  const address = Buffer.from(data.email).toString('base64url');
  return `${data.siteId}.${String(data.expires)}.${address}.${signature}`;
}

/** The page a manage token opens. */
export function manageLink(publicUrl: string, token: string): string {
  const url = new URL(`${publicUrl}/manage/comments`);
  url.searchParams.set('token', token);
  return url.href;
}
