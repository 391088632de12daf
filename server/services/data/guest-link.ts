/**
 * @module services/data/guest-link
 * How a guest reaches the comments they wrote with their address on one site: they ask
 * for a link (the widget, or the server's `/manage` page), and the address is mailed a
 * signed one that works for 24 hours (services/notify/links `manageToken`). Whoever asks
 * learns nothing about the address: the answer is the same whether or not it wrote
 * anything, and only an address that did is mailed (after the answer). Asking is limited
 * per address and per client, known addresses or not. Opening the link's token gives the
 * {@link GuestAccess} every page and action of services/data/guest-* works with; the
 * pages' forms are accepted only from those pages themselves.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { AppError, invalid } from '../../errors.js';
import { hasGuestData } from '../../store/guest-data.js';
import { findOutboxByKey } from '../../store/outbox.js';
import { clientBucket, type Caller } from '../common/authorship.js';
import { checkEmail, isMailAddress } from '../common/input-rules.js';
import { assertUnderLimit, countHit, type Limit } from '../common/rate-limits.js';
import { hashEmail } from '../moderation/bans.js';
import { manageMail } from '../notify/compose-manage.js';
import { MANAGE_LINK_MS, manageLink, manageToken, verifyLink } from '../notify/links.js';
import { deliverRow, enqueue, messageIdFor } from '../notify/outbox.js';
import {
  assertOriginAllowed,
  findSite,
  getSite,
  isValidSiteId,
  type Site,
} from '../sites/sites.js';

const HOUR = 3_600_000;
/** Links mailed to one address per hour, whatever the site and whoever asks. */
export const LINKS_PER_ADDRESS = 3;
/** Links one client may ask for on one site per hour, whatever the addresses. */
export const LINKS_PER_CLIENT = 10;

/** What an opened link gives: the site, and the address (with its keyed hash) on it. */
export interface GuestAccess {
  site: Site;
  /** Lower-cased. */
  email: string;
  /** `hashEmail` of the address: how its comments are found (`comments.email_hash`). */
  emailHash: string;
  /** When the link stops working. */
  expiresAt: string;
}

/** The site `/manage?site=` names, or a 404 `site_not_found`. */
export function manageSite(deps: Deps, raw: string | undefined): Promise<Site> {
  if (raw === undefined || !isValidSiteId(raw)) {
    return Promise.reject(new AppError(404, 'site_not_found', { detail: 'No such site here.' }));
  }
  return getSite(deps, raw);
}

/**
 * The manage pages' forms and fetches work only from those pages on this server. They
 * send no referrer, so a browser may say `Origin: null` for them; that counts only with
 * `Sec-Fetch-Site: same-origin`, which no page elsewhere can send.
 */
export function assertOwnPage(
  deps: Deps,
  origin: string | undefined,
  fetchSite: string | undefined,
): void {
  const sameSite = fetchSite === undefined || fetchSite === 'same-origin';
  const own = origin === new URL(deps.config.publicUrl).origin;
  if (sameSite && (own || (origin === 'null' && fetchSite === 'same-origin'))) return;
  throw new AppError(403, 'origin_not_allowed', {
    detail: 'This form works only from its own page on this server.',
  });
}

/**
 * Mails the address a link to what it wrote on the site, if it wrote anything there.
 * `from` is who asks: the widget (from one of the site's origins) or the `/manage` page
 * (checked by the route with {@link assertOwnPage}).
 */
export async function requestManageLink(
  deps: Deps,
  input: { site: string; email: string },
  caller: Caller,
  from: 'widget' | 'page',
): Promise<{ site: Site; email: string; hours: number }> {
  const site = await manageSite(deps, input.site);
  if (from === 'widget') assertOriginAllowed(site, caller.origin);
  const checked = checkEmail(input.email, 'email');
  if (!checked.ok) throw invalid([checked.error]);
  if (checked.value === null) {
    throw invalid([
      { field: 'email', code: 'required', message: 'Please enter your email address.' },
    ]);
  }
  const email = checked.value.toLowerCase();
  const emailHash = hashEmail(deps.secret, email) ?? '';
  const now = deps.now();
  const limits: Limit[] = [
    {
      bucket: `manage-link:address:${emailHash}`,
      max: LINKS_PER_ADDRESS,
      windowMs: HOUR,
      what: 'links to one address',
    },
    {
      bucket: clientBucket('manage-link', site, caller),
      max: LINKS_PER_CLIENT,
      windowMs: HOUR,
      what: 'links',
    },
  ];
  for (const limit of limits) await assertUnderLimit(deps.db, now, limit);
  const hours = MANAGE_LINK_MS / HOUR;
  const key = `manage:${randomUUID()}`;
  const mailed = await deps.db.transaction().execute(async (trx) => {
    for (const limit of limits) await countHit(trx, now, limit);
    if (!(await hasGuestData(trx, site.id, email, emailHash))) return false;
    const expires = Math.floor((now.getTime() + MANAGE_LINK_MS) / 1000);
    const token = manageToken(deps.secret, { siteId: site.id, email, emailHash, expires });
    return enqueue(trx, now, {
      key,
      channel: 'email',
      kind: 'manage',
      siteId: site.id,
      commentId: null,
      recipient: email,
      payload: manageMail({
        to: email,
        messageId: messageIdFor(key, deps.config.publicUrl),
        siteName: site.name,
        manageUrl: manageLink(deps.config.publicUrl, token),
        hours,
      }),
    });
  });
  if (mailed) sendSoon(deps, key);
  return { site, email, hours };
}

/**
 * Sends the mail now, without the answer waiting for the mail server (nor telling, by
 * its time, whether there was one to send). A failure stays in the outbox, tried again.
 */
function sendSoon(deps: Deps, key: string): void {
  void (async () => {
    const row = await findOutboxByKey(deps.db, key);
    if (row !== undefined) await deliverRow(deps, row);
  })().catch((error: unknown) => {
    deps.logger.error('a manage link could not be mailed at once; the outbox tries again', error);
  });
}

/** The site a token names, to offer a new link on its problem page (not checked). */
export function siteOfToken(token: string | undefined): string | undefined {
  const site = token?.split('.')[0];
  return site !== undefined && token?.includes('.') === true && isValidSiteId(site)
    ? site
    : undefined;
}

const notValid = (): AppError =>
  new AppError(403, 'invalid_link', {
    detail:
      'This link is not valid: use the one in the newest email as it came, or ask for a new one.',
  });

/** The access a link's token gives: 403 `invalid_link` when made up, 410 when too old. */
export async function openManageToken(
  deps: Deps,
  token: string | undefined,
): Promise<GuestAccess> {
  const parts = token === undefined || token.length > 1000 ? [] : token.split('.');
  if (parts.length !== 4) throw notValid();
  const [siteId = '', expires = '', address = '', signature = ''] = parts;
  if (!isValidSiteId(siteId) || !/^\d{1,12}$/.test(expires) || !/^[\w-]+$/.test(address)) {
    throw notValid();
  }
  const email = Buffer.from(address, 'base64url').toString('utf8');
  if (email !== email.trim().toLowerCase() || !isMailAddress(email)) throw notValid();
  const emailHash = hashEmail(deps.secret, email) ?? '';
  if (!verifyLink(deps.secret, 'manage', [siteId, emailHash, expires], signature)) {
    throw notValid();
  }
  const site = await findSite(deps, siteId);
  if (site === undefined) throw notValid();
  const expiresAt = Number(expires) * 1000;
  if (expiresAt <= deps.now().getTime()) {
    throw new AppError(410, 'link_expired', {
      detail: `Links to your comments work for ${String(MANAGE_LINK_MS / HOUR)} hours, and this one is older: ask for a new one.`,
    });
  }
  return { site, email, emailHash, expiresAt: new Date(expiresAt).toISOString() };
}
