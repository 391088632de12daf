/**
 * @module services/notify/mail-links
 * What the owner's signed links do: Approve / Spam / Delete a held comment (through the
 * same moderation actions as `/admin`, audited as `email:<address>`), and stop alerts to
 * an address. A link works only for the address it was mailed to while that address
 * still gets the site's alerts, and moderation links expire.
 */
import type { ModComment } from '../../contract.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { findCommentById } from '../../store/comments.js';
import { findThreadById } from '../../store/threads.js';
import { isId } from '../common/authorship.js';
import { applyAction } from '../moderation/actions.js';
import { getSite, updateSite, type Site } from '../sites/sites.js';
import { MODERATION_LINK_ACTIONS, verifyLink, type ModerationLinkAction } from './links.js';

export interface ModerationLink {
  commentId: string | undefined;
  action: string | undefined;
  email: string | undefined;
  expires: string | undefined;
  signature: string | undefined;
}

export interface ModerationLinkView {
  action: ModerationLinkAction;
  siteName: string;
  comment: { authorName: string; html: string; status: string; createdAt: string };
  threadTitle: string;
}

const invalidLink = (): AppError =>
  new AppError(403, 'invalid_link', {
    detail: 'This link is not valid. Use the one in the email as it came.',
  });

async function check(deps: Deps, link: ModerationLink) {
  const { commentId, action, email, expires, signature } = link;
  if (
    commentId === undefined ||
    !isId(commentId) ||
    email === undefined ||
    expires === undefined ||
    !/^\d{1,12}$/.test(expires) ||
    !MODERATION_LINK_ACTIONS.includes(action as ModerationLinkAction)
  ) {
    throw invalidLink();
  }
  const fields = [commentId, action as string, email, expires];
  if (!verifyLink(deps.secret, 'moderate', fields, signature)) throw invalidLink();
  if (Number(expires) * 1000 < deps.now().getTime()) {
    throw new AppError(410, 'link_expired', {
      detail: 'Moderation links work for 14 days. Moderate this comment in /admin.',
    });
  }
  const row = await findCommentById(deps.db, commentId);
  const thread = row === undefined ? undefined : await findThreadById(deps.db, row.thread_id);
  if (row === undefined || thread === undefined) throw new AppError(404, 'not_found');
  const site = await getSite(deps, thread.site_id);
  if (!site.alertEmails.some((e) => e.toLowerCase() === email)) {
    throw new AppError(403, 'forbidden', {
      detail: 'This address no longer gets this site’s alerts, so its links no longer work.',
    });
  }
  const view: ModerationLinkView = {
    action: action as ModerationLinkAction,
    siteName: site.name,
    comment: {
      authorName: row.author_name ?? 'A signed-in reader',
      html: row.body_html,
      status: row.status,
      createdAt: row.created_at,
    },
    threadTitle: thread.title ?? thread.key,
  };
  return { site, row, email, view };
}

/** The page before the button: what the link would do, to which comment. */
export async function viewModerationLink(
  deps: Deps,
  link: ModerationLink,
): Promise<ModerationLinkView> {
  return (await check(deps, link)).view;
}

/** The button: the action, as an owner, recorded in the audit log by address. */
export async function applyModerationLink(deps: Deps, link: ModerationLink): Promise<ModComment> {
  const { site, row, email, view } = await check(deps, link);
  // A link decides a held comment once: it cannot undo what a moderator (or the link
  // itself) decided since.
  if (row.status !== 'pending') {
    throw new AppError(409, 'invalid_state', {
      detail: `This comment is no longer held (it is ${row.status}); moderate it in /admin.`,
    });
  }
  const result = await applyAction(
    deps,
    { site, role: 'owner', actor: `email:${email}` },
    { site: site.id, action: view.action, ids: [row.id] },
  );
  const [comment] = result.comments;
  if (comment === undefined) throw new AppError(404, 'not_found');
  return comment;
}

/** Stops alerts to the address the link was mailed to. */
export async function turnAlertsOff(
  deps: Deps,
  siteId: string | undefined,
  email: string | undefined,
  signature: string | undefined,
  apply: boolean,
): Promise<Site> {
  if (
    siteId === undefined ||
    email === undefined ||
    !verifyLink(deps.secret, 'alerts-off', [siteId, email], signature)
  ) {
    throw invalidLink();
  }
  const site = await getSite(deps, siteId);
  if (!apply) return site;
  const alertEmails = site.alertEmails.filter((e) => e.toLowerCase() !== email);
  return alertEmails.length === site.alertEmails.length
    ? site
    : updateSite(deps, siteId, { alertEmails });
}
