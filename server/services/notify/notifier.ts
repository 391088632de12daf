/**
 * @module services/notify/notifier
 * The events log's consumer for mail. It reads the log from its cursor and, for each
 * comment that became public (created published, or approved later), adds to the outbox
 * one mail per subscribed reader (never the comment's own author, one per address however
 * many subscriptions match) and, for each new comment, the site owner's alert. The rows and
 * the moved cursor are written in one transaction: a crash loses nothing, and running twice
 * adds nothing (the outbox keys are per comment and address).
 */
import type { Deps } from '../../deps.js';
import type { Db } from '../../store/dialect.js';
import { findCommentById } from '../../store/comments.js';
import { findCursor, saveCursor } from '../../store/cursors.js';
import type { CommentRow, SubscriptionRow, ThreadRow } from '../../store/schema.js';
import { findActiveSubscriptions } from '../../store/subscriptions.js';
import { findThreadById } from '../../store/threads.js';
import { findUserById } from '../../store/users.js';
import { readEvents, type LoggedEvent } from '../events/log.js';
import { findSite, type Site } from '../sites/sites.js';
import { newCommentMail, ownerAlertMail, type MailComment, type MailThread } from './compose.js';
import { alertsOffLink, MODERATION_LINK_ACTIONS, moderateLink, unsubscribeLink } from './links.js';
import { enqueue, messageIdFor } from './outbox.js';
import { queueWebhooks } from './webhooks.js';

const CURSOR = 'notify';
/** Moderation links in an alert work this long. */
export const MODERATION_LINK_MS = 14 * 86_400_000;

const LABELS = { approve: 'Approve', spam: 'Spam', delete: 'Delete' } as const;

export function threadForMail(site: Site, thread: ThreadRow): MailThread {
  const origin = site.origins[0] ?? 'http://localhost';
  return {
    title: thread.title ?? thread.key,
    url: thread.url ?? new URL(thread.key, origin).href,
  };
}

export async function commentForMail(db: Db, row: CommentRow): Promise<MailComment> {
  const user = row.user_id === null ? undefined : await findUserById(db, row.user_id);
  return {
    id: row.id,
    authorName: user?.name ?? row.author_name ?? 'Anonymous',
    source: row.body_source,
    html: row.body_html,
    createdAt: row.created_at,
  };
}

const lower = (email: string | null): string | null => email?.toLowerCase() ?? null;

/** Is `row` written by the subscriber? */
function writtenBy(row: CommentRow, sub: SubscriptionRow): boolean {
  return (
    lower(row.author_email) === sub.email || (sub.user_id !== null && sub.user_id === row.user_id)
  );
}

async function readerMails(deps: Deps, trx: Db, site: Site, thread: ThreadRow, row: CommentRow) {
  const subs = await findActiveSubscriptions(trx, thread.id);
  if (subs.length === 0) return;
  const parent = row.parent_id === null ? undefined : await findCommentById(trx, row.parent_id);
  const comment = await commentForMail(trx, row);
  const mailThread = threadForMail(site, thread);
  const done = new Set<string>();
  // Replies first, so a reader subscribed both ways gets the "replied to you" mail.
  const ordered = [...subs].sort((a, b) =>
    a.scope === b.scope ? 0 : a.scope === 'replies' ? -1 : 1,
  );
  for (const sub of ordered) {
    if (done.has(sub.email) || writtenBy(row, sub)) continue;
    const isReply = parent !== undefined && writtenBy(parent, sub);
    if (sub.scope === 'replies' && !isReply) continue;
    done.add(sub.email);
    const key = `reader:${row.id}:${sub.email}`;
    await enqueue(trx, deps.now(), {
      key,
      channel: 'email',
      kind: isReply ? 'reply' : 'new_comment',
      siteId: site.id,
      commentId: row.id,
      recipient: sub.email,
      payload: newCommentMail({
        to: sub.email,
        messageId: messageIdFor(key, deps.config.publicUrl),
        comment,
        thread: mailThread,
        isReply,
        scope: sub.scope === 'replies' ? 'replies' : 'all',
        unsubscribeUrl: unsubscribeLink(deps.config.publicUrl, deps.secret, sub.id),
      }),
    });
  }
}

async function ownerAlerts(deps: Deps, trx: Db, site: Site, thread: ThreadRow, row: CommentRow) {
  if (site.alertMode !== 'each' || site.alertEmails.length === 0) return;
  const comment = await commentForMail(trx, row);
  const author = lower(row.author_email);
  const expires = Math.floor((deps.now().getTime() + MODERATION_LINK_MS) / 1000);
  for (const email of site.alertEmails.map((e) => e.toLowerCase())) {
    if (email === author) continue;
    const key = `owner:${row.id}:${email}`;
    const actions =
      row.status === 'pending'
        ? MODERATION_LINK_ACTIONS.map((action) => ({
            label: LABELS[action],
            url: moderateLink(deps.config.publicUrl, deps.secret, {
              commentId: row.id,
              action,
              email,
              expires,
            }),
          }))
        : [];
    await enqueue(trx, deps.now(), {
      key,
      channel: 'email',
      kind: row.status === 'pending' ? 'owner_held' : 'owner_new',
      siteId: site.id,
      commentId: row.id,
      recipient: email,
      payload: ownerAlertMail({
        to: email,
        messageId: messageIdFor(key, deps.config.publicUrl),
        siteName: site.name,
        comment: {
          ...comment,
          authorEmail: row.author_email,
          status: row.status,
          heldReason: row.held_reason,
        },
        thread: threadForMail(site, thread),
        actions,
        adminUrl: `${deps.config.publicUrl}/admin`,
        alertsOffUrl: alertsOffLink(deps.config.publicUrl, deps.secret, site.id, email),
      }),
    });
  }
}

async function handle(deps: Deps, trx: Db, event: LoggedEvent): Promise<void> {
  const becamePublic =
    (event.kind === 'comment.created' && event.detail?.status === 'published') ||
    event.kind === 'comment.approved';
  const isNew = event.kind === 'comment.created';
  if ((!becamePublic && !isNew) || event.commentId === null) return;
  const row = await findCommentById(trx, event.commentId);
  if (row === undefined) return;
  const [site, thread] = await Promise.all([
    findSite(deps, event.siteId),
    findThreadById(trx, row.thread_id),
  ]);
  if (site === undefined || thread === undefined) return;
  if (becamePublic && row.status === 'published') await readerMails(deps, trx, site, thread, row);
  if (isNew && (row.status === 'published' || row.status === 'pending')) {
    await ownerAlerts(deps, trx, site, thread, row);
  }
  if (row.status === 'published' || (isNew && row.status === 'pending')) {
    await queueWebhooks(deps, trx, event, {
      site,
      thread,
      mailThread: threadForMail(site, thread),
      row,
      comment: await commentForMail(trx, row),
    });
  }
}

/**
 * Reads the log from the cursor and turns events into outbox rows, a batch per
 * transaction, until it is caught up. Returns how many events it read.
 */
export async function consumeEvents(deps: Deps, batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const read = await deps.db.transaction().execute(async (trx) => {
      const after = (await findCursor(trx, CURSOR)) ?? 0;
      const events = await readEvents(trx, after, {}, batch);
      for (const event of events) await handle(deps, trx, event);
      const last = events.at(-1);
      if (last !== undefined) await saveCursor(trx, CURSOR, last.id, deps.now().toISOString());
      return events.length;
    });
    total += read;
    if (read < batch) return total;
  }
}
